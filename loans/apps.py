from django.apps import AppConfig


class LoansConfig(AppConfig):
    name = "loans"

    def ready(self):
        from . import receivers  # noqa: F401 - connects to applications' contracts and the library's signal
