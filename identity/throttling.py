"""Rate limits counted per client address (jingzhidai.network.client_ip), in the default cache:
Redis when CACHE_URL is set, so every worker shares the counters. The same classes serve the API
(throttle_classes) and the public pages (ThrottledPageMixin)."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from jingzhidai.network import client_ip


class AddressRateThrottle(SimpleRateThrottle):
    """Anonymous callers counted by the address the trusted proxy saw. Rates are read when the
    throttle is made (DEFAULT_THROTTLE_RATES[scope]), so settings overrides apply."""

    scope = "anon"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_ip(request)

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SignupRateThrottle(AddressRateThrottle):
    """Sign-up attempts (POST /signup/) per address."""

    scope = "signup"


class ThrottledPageMixin:
    """A public page answers 429 (a page in the user's language) past its rate. Only the
    methods in `throttled_methods` count."""

    throttle_classes: tuple = (AddressRateThrottle,)
    throttled_methods: tuple = ("GET", "POST")

    def dispatch(self, request, *args, **kwargs):
        if request.method in self.throttled_methods:
            for throttle_class in self.throttle_classes:
                throttle = throttle_class()
                if not throttle.allow_request(request, self):
                    wait = throttle.wait()
                    response = render(request, "429.html", {"message": _(
                        "Too many requests from your address. Please wait a moment and try again.")}, status=429)
                    if wait is not None:
                        response["Retry-After"] = str(max(1, int(wait)))
                    return response
        return super().dispatch(request, *args, **kwargs)
