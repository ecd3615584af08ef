"""Log records carry the id of the request they were written in (`-` outside a request: Celery
tasks, commands), so that an operator can join every line of one request."""

import logging

from jingzhidai.middleware import current_request, request_id_of


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not getattr(record, "request_id", None):
            request = current_request.get()
            # django.request passes the request itself on the record
            request = request if request is not None else getattr(record, "request", None)
            record.request_id = (request_id_of(request) if request is not None else "") or "-"
        return True
