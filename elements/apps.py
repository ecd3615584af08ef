from django.apps import AppConfig


class ElementsConfig(AppConfig):
    name = "elements"

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save

        from identity.services import register_check_extension

        from .models import Distinction, ElementCategory, ElementType, Listing, Penalty, SpotCheck
        from .selectors import catalog_forget, record_forget

        register_check_extension(_quality_credit_for_check)
        # The kept catalog (selectors.element_catalog) is forgotten whenever it changes, whoever
        # changes it, and with it every kept profile.
        for model in (ElementCategory, ElementType):
            post_save.connect(catalog_forget, sender=model, dispatch_uid=f"catalog_forget_save_{model.__name__}")
            post_delete.connect(catalog_forget, sender=model, dispatch_uid=f"catalog_forget_delete_{model.__name__}")
        post_migrate.connect(catalog_forget, sender=self, dispatch_uid="catalog_forget_migrate")
        # A kept profile (selectors.profile_get) is forgotten whenever one of the enterprise's
        # records is saved or deleted, whoever does it; the bulk writes (import batches, the daily
        # expiry), which send no signal, forget them all themselves.
        for model in (Distinction, Listing, Penalty, SpotCheck):
            post_save.connect(record_forget, sender=model, dispatch_uid=f"profile_forget_save_{model.__name__}")
            post_delete.connect(record_forget, sender=model, dispatch_uid=f"profile_forget_delete_{model.__name__}")


def _quality_credit_for_check(result):
    """The public self-check also says whether quality credit holds (issue 3)."""
    from .selectors import credit_summary

    if result.in_registry:
        # enterprise_check has loaded the registry record already: do not read it again.
        result.quality_credit = credit_summary(result.uscc, enterprise=result.enterprise)
