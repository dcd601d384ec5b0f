"""The moral bank on the task queue (docs/adr/0008-task-queue.md): items whose public notice
has ended are posted to the ledger every ten minutes. Posting claims each item with a
conditional UPDATE and the entry's key is the declaration's, so a second scheduler, a retry
or `gridgov moralbank post-notices` run by hand at the same time post nothing twice."""

from __future__ import annotations

from huey import crontab

from gridgov.registry.tasks import _with_connections, huey

from .services import declarations


@huey.periodic_task(crontab(minute="*/10"), name="moralbank.post_notices")
@_with_connections
def post_notices() -> None:
    declarations.post_due()
