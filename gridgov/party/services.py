"""The only code that changes the party network (STYLE "Services").

Each function: atomic → lock → guard (ServiceError) → write → audit entry. Rights: the
actor holds teams.change on the grid of what changes (a link: on its source's grid) and
may see what it points at; out of scope is 404, in scope without the right 403.
Nothing is deleted: organisations are dissolved, posts, designations and links ended.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Right
from gridgov.core.errors import Forbidden, NotFound, ServiceError
from gridgov.core.models import record
from gridgov.core.scope import in_scope
from gridgov.grids.models import Grid
from gridgov.registry.choices import ResidentStatus
from gridgov.registry.models import Household, Resident

from .choices import COMMITTEE_ROLES, CentralKind, LinkLevel, OrgKind, PostRole
from .models import ENDS, CentralHousehold, Link, PartyOrg, Post

CHANGE = Right.CHANGE_TEAMS

# Which kind of organisation may hold which kind as its parent.
PARENTS: dict[str, tuple[str, ...]] = {
    OrgKind.GENERAL_BRANCH: (),
    OrgKind.BRANCH: (OrgKind.GENERAL_BRANCH,),
    OrgKind.GROUP: (OrgKind.BRANCH,),
}


def _may_change(actor: Any, code: str) -> None:
    """404 outside the actor's scope, 403 in scope without the right."""
    if not in_scope(actor, code):
        raise NotFound(_("Not found."))
    if not in_scope(actor, code, CHANGE):
        raise Forbidden(_("You may not change the party network here."))


def _seen(actor: Any, code: str, field: str) -> None:
    """What a change points at must be visible to the actor (else it does not exist)."""
    if not in_scope(actor, code):
        raise NotFound(_("Not found."), field=field)


def _day(value: dt.date | None) -> dt.date:
    return value or timezone.localdate()


def _period(since: dt.date, until: dt.date | None) -> None:
    if until is not None and until < since:
        raise ServiceError("bad_period", _("The end date is before the start date."),
                           field="until", status=422)  # fmt: skip


def _member(resident: Resident, field: str) -> None:
    if not resident.party_member or resident.status != ResidentStatus.ACTIVE:
        raise ServiceError("not_party_member",
                           _("This resident is not a party member living here."),
                           field=field, status=422)  # fmt: skip


def _within(code: str, outer: str, field: str) -> None:
    if not code.startswith(outer):
        raise ServiceError("outside_parent",
                           _("It must lie on a grid inside its parent organisation's grid."),
                           field=field, status=422)  # fmt: skip


# ---------------------------------------------------------------- organisations


@transaction.atomic
def create_org(
    *, actor: Any, kind: str, name: str, grid: Grid, parent: PartyOrg | None = None,
    founded_on: dt.date | None = None,
) -> PartyOrg:  # fmt: skip
    _may_change(actor, grid.code)
    if kind not in PARENTS:
        raise ServiceError("bad_kind", _("Unknown kind."), field="kind", status=422)
    if parent is not None:
        _seen(actor, parent.grid_code, "parent")
        if parent.kind not in PARENTS[kind] or not parent.is_current():
            raise ServiceError("bad_parent",
                               _("This organisation cannot belong to that one."),
                               field="parent", status=422)  # fmt: skip
        _within(grid.code, parent.grid_code, "grid")
    elif kind == OrgKind.GROUP:
        raise ServiceError("parent_required", _("A party group belongs to a branch."),
                           field="parent", status=422)  # fmt: skip
    if not grid.is_current():
        raise ServiceError("grid_retired", _("This grid is retired."), field="grid", status=422)
    org = PartyOrg.objects.create(
        kind=kind, name=name, grid=grid, parent=parent, founded_on=_day(founded_on)
    )
    record(actor=actor, action="party.org.create", object_type="party_org",
           object_key=str(org.pk), after=org.snapshot())  # fmt: skip
    return org


@transaction.atomic
def dissolve_org(*, actor: Any, org: PartyOrg, on: dt.date | None = None) -> PartyOrg:
    org = PartyOrg.objects.select_for_update().get(pk=org.pk)
    _may_change(actor, org.grid_code)
    on = _day(on)
    if org.dissolved_on is not None:
        raise ServiceError("already_dissolved", _("Already dissolved."), status=409)
    if on < org.founded_on:
        raise ServiceError("bad_period", _("The end date is before the start date."),
                           field="on", status=422)  # fmt: skip
    # History stays readable only if nothing in force hangs off a dissolved organisation.
    busy = (
        PartyOrg.objects.filter(parent=org, dissolved_on__isnull=True).exists()
        or Post.objects.filter(org=org, until__isnull=True).exists()
        or CentralHousehold.objects.filter(group=org, until__isnull=True).exists()
        or Link.objects.filter(target_org=org, until__isnull=True).exists()
    )
    if busy:
        raise ServiceError("in_use", _("End its posts, links, central households and "
                                       "sub-organisations first."), status=409)  # fmt: skip
    before = org.snapshot()
    org.dissolved_on = on
    org.save(update_fields=["dissolved_on", "updated_at"])
    record(actor=actor, action="party.org.dissolve", object_type="party_org",
           object_key=str(org.pk), before=before, after=org.snapshot())  # fmt: skip
    return org


# ---------------------------------------------------------------- posts


@transaction.atomic
def create_post(
    *, actor: Any, org: PartyOrg, role: str, resident: Resident | None = None,
    user: Any = None, since: dt.date | None = None,
) -> Post:  # fmt: skip
    _may_change(actor, org.grid_code)
    if not org.is_current():
        raise ServiceError("dissolved", _("This organisation is dissolved."), status=409)
    if resident is None and user is None:
        raise ServiceError("holder_required", _("Name a resident or a user."),
                           field="resident", status=422)  # fmt: skip
    fits = role == PostRole.GROUP_LEADER if org.kind == OrgKind.GROUP else role in COMMITTEE_ROLES
    if not fits:
        raise ServiceError("bad_role", _("This post does not exist in this organisation."),
                           field="role", status=422)  # fmt: skip
    if resident is not None:
        _seen(actor, resident.grid_code, "resident")
        _member(resident, "resident")
    post = Post.objects.create(org=org, role=role, resident=resident, user=user,
                               since=_day(since))  # fmt: skip
    record(actor=actor, action="party.post.create", object_type="party_post",
           object_key=str(post.pk), after=post.snapshot())  # fmt: skip
    return post


def _end(actor: Any, model: Any, obj: Any, on: dt.date | None, action: str, kind: str) -> Any:
    obj = model.objects.select_for_update().get(pk=obj.pk)
    _may_change(actor, obj.grid_code)
    on = _day(on)
    if obj.until is not None:
        raise ServiceError("already_ended", _("Already ended."), status=409)
    if on < obj.since:
        raise ServiceError("bad_period", _("The end date is before the start date."),
                           field="on", status=422)  # fmt: skip
    before = obj.snapshot()
    obj.until = on
    obj.save(update_fields=["until", "updated_at"])
    record(actor=actor, action=action, object_type=kind, object_key=str(obj.pk),
           before=before, after=obj.snapshot())  # fmt: skip
    return obj


@transaction.atomic
def end_post(*, actor: Any, post: Post, on: dt.date | None = None) -> Post:
    """Ends a post and the links it holds, on the same day (a link outlives no post)."""
    post = _end(actor, Post, post, on, "party.post.end", "party_post")
    _end_links(actor, Link.objects.filter(source_post=post), post.until)
    return post  # type: ignore[no-any-return]


# ---------------------------------------------------------------- central households


@transaction.atomic
def designate_central(
    *, actor: Any, group: PartyOrg, keeper: Resident, household: Household | None = None,
    kind: str = CentralKind.HOUSEHOLD, name: str = "", since: dt.date | None = None,
) -> CentralHousehold:  # fmt: skip
    _may_change(actor, group.grid_code)
    if group.kind != OrgKind.GROUP or not group.is_current():
        raise ServiceError("bad_group", _("Choose a current party group."),
                           field="group", status=422)  # fmt: skip
    _seen(actor, keeper.grid_code, "keeper")
    _member(keeper, "keeper")
    if kind == CentralKind.HOUSEHOLD:
        household = household or keeper.household
        if household is None or keeper.household_id != household.pk:
            raise ServiceError("not_keepers_household",
                               _("A central household is the household of its party member."),
                               field="household", status=422)  # fmt: skip
        _seen(actor, household.grid_code, "household")
        name = ""
        taken = CentralHousehold.objects.filter(household=household, until__isnull=True)
        if taken.exists():
            raise ServiceError("already_central",
                               _("This household is already a party central household."),
                               field="household", status=409)  # fmt: skip
    else:
        household = None
        if not name:
            raise ServiceError("name_required", _("Name the model post."), field="name",
                               status=422)  # fmt: skip
    central = CentralHousehold.objects.create(
        kind=kind, group=group, household=household, keeper=keeper, name=name, since=_day(since)
    )
    record(actor=actor, action="party.central.create", object_type="party_central",
           object_key=str(central.pk), after=central.snapshot())  # fmt: skip
    return central


@transaction.atomic
def end_central(*, actor: Any, central: CentralHousehold, on: dt.date | None = None) -> Any:
    """Ends a designation and every link to or from it, on the same day."""
    central = _end(actor, CentralHousehold, central, on, "party.central.end", "party_central")
    links = Link.objects.filter(source_central=central) | Link.objects.filter(
        target_central=central
    )
    _end_links(actor, links, central.until)
    return central


# ---------------------------------------------------------------- links


def _source_ok(level: str, source: Any) -> bool:
    if level in (LinkLevel.BRANCH, LinkLevel.GROUP):
        org_kind = OrgKind.GENERAL_BRANCH if level == LinkLevel.BRANCH else OrgKind.BRANCH
        return (isinstance(source, Post) and source.role in COMMITTEE_ROLES
                and source.org.kind == org_kind)  # fmt: skip
    if level == LinkLevel.CENTRAL:
        return isinstance(source, Post) and source.role == PostRole.GROUP_LEADER
    if level == LinkLevel.MEMBER:
        return isinstance(source, CentralHousehold)
    return isinstance(source, Resident) and source.party_member


def _target_ok(level: str, target: Any) -> bool:
    if level == LinkLevel.BRANCH:
        return isinstance(target, PartyOrg) and target.kind == OrgKind.BRANCH
    if level == LinkLevel.GROUP:
        return isinstance(target, PartyOrg) and target.kind == OrgKind.GROUP
    if level == LinkLevel.CENTRAL:
        return isinstance(target, CentralHousehold)
    if level == LinkLevel.MEMBER:
        return isinstance(target, Resident) and target.party_member
    return isinstance(target, Household)


def _current(obj: Any) -> bool:
    if isinstance(obj, Resident):
        return obj.status == ResidentStatus.ACTIVE
    if isinstance(obj, Household):
        return True
    return bool(obj.is_current())


@transaction.atomic
def create_link(
    *, actor: Any, level: str, source: Any, target: Any, since: dt.date | None = None
) -> Link:
    """A link of the pyramid. Allowed past its range: the check lists who is over, since
    the roster must say what is, not what the plan wishes (docs/adr/0013)."""
    if level not in ENDS:
        raise ServiceError("bad_level", _("Unknown level."), field="level", status=422)
    _may_change(actor, source.grid_code)
    _seen(actor, target.grid_code, "target")
    if not _source_ok(level, source) or not _current(source):
        raise ServiceError("bad_source", _("This cannot be linked at this level."),
                           field="source", status=422)  # fmt: skip
    if not _target_ok(level, target) or not _current(target):
        raise ServiceError("bad_target", _("This cannot be linked to at this level."),
                           field="target", status=422)  # fmt: skip
    source_col, target_col = ENDS[level]
    lookup = {source_col: source, target_col: target, "level": level, "until__isnull": True}
    if Link.objects.select_for_update().filter(**lookup).exists():
        raise ServiceError("already_linked", _("These two are already linked."), status=409)
    link = Link.objects.create(level=level, grid_code=source.grid_code, since=_day(since),
                               **{source_col: source, target_col: target})  # fmt: skip
    record(actor=actor, action="party.link.create", object_type="party_link",
           object_key=str(link.pk), after=link.snapshot())  # fmt: skip
    return link


@transaction.atomic
def end_link(*, actor: Any, link: Link, on: dt.date | None = None) -> Link:
    return _end(actor, Link, link, on, "party.link.end", "party_link")  # type: ignore[no-any-return]


def _end_links(actor: Any, links: Any, on: dt.date | None) -> None:
    for link in links.filter(until__isnull=True).select_for_update().order_by("pk"):
        before = link.snapshot()
        link.until = max(on or link.since, link.since)
        link.save(update_fields=["until", "updated_at"])
        record(actor=actor, action="party.link.end", object_type="party_link",
               object_key=str(link.pk), before=before, after=link.snapshot())  # fmt: skip
