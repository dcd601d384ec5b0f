"""Finding what a request names, within the person's scope (404 outside it): shared by
the pages and the API, so both refuse alike."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from gridgov.accounts.models import User
from gridgov.core.errors import NotFound
from gridgov.grids.models import Grid
from gridgov.registry.models import Household, Resident

from .choices import LinkLevel
from .models import CentralHousehold, Link, PartyOrg, Post

# Party organisations sit on grids of the network households are registered in.
NETWORK = "comprehensive"


def _one(qs: QuerySet[Any], field: str | None, **lookup: Any) -> Any:
    found = qs.filter(**lookup).first()
    if found is None:
        raise NotFound(_("Not found."), field=field)
    return found


def grid(user: Any, code: str, field: str = "grid") -> Grid:
    qs = Grid.objects.current().visible_to(user).filter(network__slug=NETWORK)
    return _one(qs.select_related("network"), field, code=code)  # type: ignore[no-any-return]


def org(user: Any, pk: int, field: str | None = None) -> PartyOrg:
    qs = PartyOrg.objects.visible_to(user).select_related("grid", "parent")
    return _one(qs, field, pk=pk)  # type: ignore[no-any-return]


def post(user: Any, pk: int, field: str | None = None) -> Post:
    return _one(Post.objects.visible_to(user).select_related("org"), field, pk=pk)  # type: ignore[no-any-return]


def central(user: Any, pk: int, field: str | None = None) -> CentralHousehold:
    return _one(CentralHousehold.objects.visible_to(user), field, pk=pk)  # type: ignore[no-any-return]


def link(user: Any, pk: int, field: str | None = None) -> Link:
    return _one(Link.objects.visible_to(user), field, pk=pk)  # type: ignore[no-any-return]


def resident(user: Any, public_id: Any, field: str | None = None) -> Resident:
    qs = Resident.objects.visible_to(user).select_related("household")
    return _one(qs, field, public_id=_uuid(public_id, field))  # type: ignore[no-any-return]


def household(user: Any, public_id: Any, field: str | None = None) -> Household:
    return _one(Household.objects.visible_to(user), field, public_id=_uuid(public_id, field))  # type: ignore[no-any-return]


def user(username: str, field: str = "user") -> Any:
    """A platform user by name (holders of posts; any active user may hold one)."""
    return _one(User.objects.filter(is_active=True), field, username=username)


def _uuid(value: Any, field: str | None) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(_("Not found."), field=field) from None


def _int(value: str, field: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise NotFound(_("Not found."), field=field)
    return int(value)


def ends(user: Any, level: str, source: str, target: str) -> tuple[Model, Model]:
    """The source and target a link names, by its level (`models.ENDS`)."""
    if level in (LinkLevel.BRANCH, LinkLevel.GROUP, LinkLevel.CENTRAL):
        s: Model = post(user, _int(source, "source"), "source")
    elif level == LinkLevel.MEMBER:
        s = central(user, _int(source, "source"), "source")
    else:
        s = resident(user, source, "source")
    if level in (LinkLevel.BRANCH, LinkLevel.GROUP):
        t: Model = org(user, _int(target, "target"), "target")
    elif level == LinkLevel.CENTRAL:
        t = central(user, _int(target, "target"), "target")
    elif level == LinkLevel.MEMBER:
        t = resident(user, target, "target")
    else:
        t = household(user, target, "target")
    return s, t
