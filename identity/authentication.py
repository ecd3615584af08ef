from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .models import ApiToken


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`. Tokens are stored hashed (identity.models.ApiToken), expire
    after API_TOKEN_TTL and are revoked on sign-out, deactivation and password change;
    `POST /api/v1/auth/token/` issues a new one."""

    keyword = "Token"
    model = ApiToken

    def authenticate_credentials(self, key):
        from .services import api_token_hash

        # One indexed read of the token with its user; the key hash is unique, so no ordering
        # (`.first()` would sort by the model's `-created`). Not cached: a revoked token (sign-out,
        # deactivation, password change) must stop working at once.
        token = next(iter(ApiToken.objects.select_related("user").filter(key_hash=api_token_hash(key))
                          .order_by()[:1]), None)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token.created < timezone.now() - settings.API_TOKEN_TTL:
            token.delete()
            raise exceptions.AuthenticationFailed(_("Token has expired."))
        return token.user, token
