"""How loans hears of what happens below it, without the lower apps knowing loans:
- a signed contract (applications' Contract saved) opens the loan in the same transaction;
- a disbursement (applications' Disbursement saved) updates its figures and schedule;
- the element library's `library_changed` starts the alert job after commit."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from applications.models import Contract, Disbursement
from elements.signals import library_changed


@receiver(post_save, sender=Contract, dispatch_uid="loans.contract_signed")
def contract_signed(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from .services import loan_for_new_contract

        loan_for_new_contract(contract=instance)


@receiver(post_save, sender=Disbursement, dispatch_uid="loans.disbursed")
def disbursed(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from .services import loan_disbursement_recorded

        loan_disbursement_recorded(disbursement=instance)


@receiver(library_changed, dispatch_uid="loans.library_changed")
def library_changed_alerts(sender, **kwargs):
    from .tasks import risk_alerts_raise

    transaction.on_commit(risk_alerts_raise.delay)
