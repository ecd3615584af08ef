"""Template tags of the one-time form token (`jingzhidai.once`), loaded as a builtin library
(settings TEMPLATES OPTIONS "builtins"). `{% csrf_token %}` is Django's tag plus a fresh
`form_token` hidden field, so every POST form of the portal (and of the admin) carries one
without its template naming it; `{% form_token %}` renders the field alone."""

import uuid

from django import template
from django.template import defaulttags
from django.utils.html import format_html

from .once import FORM_FIELD

register = template.Library()


def _field():
    return format_html('<input type="hidden" name="{}" value="{}">', FORM_FIELD, uuid.uuid4().hex)


class CsrfAndFormTokenNode(template.Node):
    def __init__(self, csrf_node):
        self.csrf_node = csrf_node

    def render(self, context):
        csrf = self.csrf_node.render(context)
        return csrf + _field() if csrf else csrf


@register.tag
def csrf_token(parser, token):
    return CsrfAndFormTokenNode(defaulttags.csrf_token(parser, token))


@register.simple_tag
def form_token():
    return _field()
