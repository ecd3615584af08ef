"""The OpenAPI schema class of every API view (settings REST_FRAMEWORK DEFAULT_SCHEMA_CLASS).
A module of its own: drf-spectacular's AutoSchema imports DRF's generic views, which read the
API settings that name `jingzhidai.api`."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter

from jingzhidai.once import HEADER as IDEMPOTENCY_HEADER
from jingzhidai.once import SAFE_METHODS

IDEMPOTENCY_KEY = OpenApiParameter(
    IDEMPOTENCY_HEADER, str, OpenApiParameter.HEADER, required=False,
    description="Optional, 1–255 visible ASCII characters (e.g. a UUID), chosen by the client. The same key with "
                "the same request within 24 hours replays the first response (header `Idempotent-Replayed: "
                "true`) and changes nothing; with another request: 422 `idempotency_key_reused`; while the first "
                "is still running: 409 `idempotency_in_progress` (retry). Authenticated requests only.")


class AutoSchema(SpectacularAutoSchema):
    """The schema class of every API view: each state-changing operation documents the
    Idempotency-Key header (jingzhidai.once, which honours it on every unsafe /api/ request)."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method.upper() not in SAFE_METHODS:
            parameters = [*parameters, IDEMPOTENCY_KEY]
        return parameters
