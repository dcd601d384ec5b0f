"""Delivery of notices on the project's task queue (docs/adr/0008, 0017).

The one `huey` instance is gridgov.registry.tasks's. Messages carry an event key only; the
rows are the outbox. Huey delivers a message at most once and may lose it (ADR 0008): the
periodic sweep sends whatever is due, so a lost message delays a notice by a minute at most.
Every send is claimed with a compare-and-set (services.claim): a message and a sweep, or two
consumers' sweeps, never send one notice twice.
"""

from __future__ import annotations

import logging

from huey import crontab

from gridgov.registry.tasks import _with_connections, huey

from . import services

logger = logging.getLogger(__name__)


@huey.task(name="notices.deliver_event")
@_with_connections
def deliver_event(key: str) -> None:
    """Send the pending notices of one event, right after the transaction that wrote them."""
    services.sweep(key=key)


@huey.periodic_task(crontab(minute="*"), name="notices.sweep")
@_with_connections
def sweep() -> None:
    """Every minute: send notices whose next attempt has come (retries, lost messages).
    Idempotent: a second scheduler by mistake finds nothing left to claim."""
    sent = services.sweep()
    if sent:
        logger.info("notices: %s sent", sent)
