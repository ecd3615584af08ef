"""API of the regulators' workspace: each part registers its own routes."""

from .reports import api as reports_api


def register(router):
    reports_api.register(router)
