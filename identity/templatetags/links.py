"""`{% link_to "verification_request" pk %}`: a page that an app above registers (see
`identity.navigation.link_to`), for templates of lower apps."""

from django import template

from identity.navigation import link_to as _link_to

register = template.Library()


@register.simple_tag
def link_to(name, *args):
    return _link_to(name, *args)
