"""Signals of the element library for the apps above it (elements imports none of them).

`library_changed` is sent after the change events of a sync or of a regulator's entry have
committed: post-loan monitoring (loans) starts its alert job on it. Receivers get `sender`
(the elements module that changed the library) and `batch` (an ImportBatch, or None)."""

from django.db import transaction
from django.dispatch import Signal

library_changed = Signal()


def announce(sender: str, *, batch=None):
    """Send `library_changed` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: library_changed.send(sender=sender, batch=batch))
