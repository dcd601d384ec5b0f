"""Who imports: the machine's operator on the command line, and who may use the import page."""

from __future__ import annotations

from typing import Any

from gridgov.accounts.roles import Right
from gridgov.core.scope import scope_q
from gridgov.grids.models import Grid


class SystemActor:
    """The operator of the machine, for the command line run without --user: every grid,
    and audit rows without a person (actor NULL)."""

    pk = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    username = "system"


SYSTEM = SystemActor()


def may_import(actor: Any) -> bool:
    """Whether the actor may change the registry anywhere (the import page's right)."""
    return Grid.objects.filter(scope_q(actor, "code", Right.CHANGE_REGISTRY)).exists()
