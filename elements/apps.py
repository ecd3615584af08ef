from django.apps import AppConfig


class ElementsConfig(AppConfig):
    name = "elements"

    def ready(self):
        from identity.services import register_check_extension

        register_check_extension(_quality_credit_for_check)


def _quality_credit_for_check(result):
    """The public self-check also says whether quality credit holds (issue 3)."""
    from .selectors import credit_summary

    if result.in_registry:
        # enterprise_check has loaded the registry record already: do not read it again.
        result.quality_credit = credit_summary(result.uscc, enterprise=result.enterprise)
