"""The API's JSON parser, in a module of its own: DRF imports its parser classes while it
defines `APIView`, so this module must not import `rest_framework.views` (nor anything that
does, like `jingzhidai.api`), or the settings' imports go round in a circle."""

import codecs

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.utils import json

JSON_MAX_DEPTH = 64


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "request_too_large"

    def __init__(self):
        super().__init__(_("The request is too large."))


def _json_depth(value) -> int:
    """How deeply arrays and objects nest in a parsed document (without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with the limits Django applies to form bodies: at most
    DATA_UPLOAD_MAX_MEMORY_SIZE bytes (413 beyond), and arrays and objects nested at most
    JSON_MAX_DEPTH deep (400 beyond; Python's decoder would otherwise hit its recursion limit
    and fail with a 500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        if stream is None:
            return {}
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge()
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(raw, encoding)
            constant = json.strict_constant if self.strict else None  # no NaN / Infinity
            data = json.loads(text, parse_constant=constant)
        except RecursionError:
            data = None
            too_deep = True
        except (ValueError, LookupError) as exc:  # LookupError: an unknown charset
            raise exceptions.ParseError(_("The body is not valid JSON: %(error)s") % {"error": exc})
        else:
            too_deep = _json_depth(data) > JSON_MAX_DEPTH
        if too_deep:
            raise exceptions.ParseError(_("The JSON body nests deeper than %(max)d levels.") % {
                "max": JSON_MAX_DEPTH})
        return data
