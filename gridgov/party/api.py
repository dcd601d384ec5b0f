"""/api/v1/party: the party network, the contact pyramid and its check.

Thin: parse, find within scope (party.lookups: 404 outside), call party.services (403
without teams.change), answer. The same filters as the pages (a grid code: its subtree).
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from gridgov.accounts.roles import Right
from gridgov.core.schemas import ERRORS

from . import lookups, pyramid, queries, services
from .models import ENDS, CentralHousehold, Link, PartyOrg, Post
from .schemas import (
    CentralIn,
    CentralOut,
    CheckOut,
    EndIn,
    GridQuery,
    LinkIn,
    LinkList,
    LinkOut,
    LinkQuery,
    NormList,
    OrgDetailOut,
    OrgIn,
    OrgList,
    OrgOut,
    PostIn,
    PostOut,
)

router = Router(tags=["party"])

# A row id in a path: bounded, so that no number past a bigint reaches the database.
Id = Annotated[int, Path(ge=1, le=2**62)]
LINKS_LISTED = 500


def _org_out(o: PartyOrg) -> dict[str, Any]:
    return {
        "id": o.pk, "kind": o.kind, "name": o.name, "parent": o.parent_id,
        "grid_code": o.grid_code, "founded_on": o.founded_on, "dissolved_on": o.dissolved_on,
    }  # fmt: skip


def _post_out(p: Post) -> dict[str, Any]:
    return {
        "id": p.pk, "org": p.org_id, "role": p.role, "holder": p.holder_name,
        "resident": p.resident.public_id if p.resident else None,
        "user": p.user.get_username() if p.user else None,
        "since": p.since, "until": p.until,
    }  # fmt: skip


def _central_out(c: CentralHousehold) -> dict[str, Any]:
    return {
        "id": c.pk, "kind": c.kind, "group": c.group_id, "label": c.label,
        "household": c.household.public_id if c.household else None,
        "keeper": c.keeper.public_id, "grid_code": c.grid_code,
        "since": c.since, "until": c.until,
    }  # fmt: skip


def _end_key(obj: Any) -> str:
    """How a link's end is named in the API: residents and households by public id."""
    return str(getattr(obj, "public_id", None) or obj.pk)


def _link_out(link: Link) -> dict[str, Any]:
    return {
        "id": link.pk, "level": link.level, "source": _end_key(link.source),
        "target": _end_key(link.target), "grid_code": link.grid_code,
        "since": link.since, "until": link.until,
    }  # fmt: skip


def _detail(o: PartyOrg) -> dict[str, Any]:
    posts = Post.objects.current().filter(org=o).select_related("resident", "user")
    centrals = CentralHousehold.objects.current().filter(group=o)
    return {
        **_org_out(o),
        "posts": [_post_out(p) for p in posts],
        "centrals": [_central_out(c) for c in centrals.select_related("household", "keeper")],
    }


# ---------------------------------------------------------------- organisations


@router.get("/orgs", response={200: OrgList, **ERRORS}, summary="Party organisations")
def list_orgs(request: HttpRequest, filters: Query[GridQuery]):  # type: ignore[type-arg]
    """Current organisations under `grid` in your scope."""
    if filters.grid:
        lookups.grid(request.user, filters.grid)
    return {"items": [_org_out(o) for o in queries.orgs(request.user, filters.grid or "")]}


@router.post("/orgs", response={201: OrgDetailOut, **ERRORS}, summary="Found an organisation")
def create_org(request: HttpRequest, payload: OrgIn):
    grid = lookups.grid(request.user, payload.grid)
    parent = lookups.org(request.user, payload.parent, "parent") if payload.parent else None
    org = services.create_org(actor=request.user, kind=payload.kind, name=payload.name,
                              grid=grid, parent=parent, founded_on=payload.founded_on)  # fmt: skip
    return Status(201, _detail(org))


@router.get("/orgs/{org_id}", response={200: OrgDetailOut, **ERRORS}, summary="One organisation")
def get_org(request: HttpRequest, org_id: Id):
    return _detail(lookups.org(request.user, org_id))


@router.post("/orgs/{org_id}/dissolve", response={200: OrgOut, **ERRORS}, summary="Dissolve")
def dissolve_org(request: HttpRequest, org_id: Id, payload: EndIn):
    """Refused (409) while posts, links, central households or sub-organisations are in force."""
    org = services.dissolve_org(actor=request.user, org=lookups.org(request.user, org_id),
                                on=payload.on)  # fmt: skip
    return _org_out(org)


@router.post("/orgs/{org_id}/posts", response={201: PostOut, **ERRORS}, summary="Fill a post")
def create_post(request: HttpRequest, org_id: Id, payload: PostIn):
    org = lookups.org(request.user, org_id)
    resident = (
        lookups.resident(request.user, payload.resident, "resident") if payload.resident else None
    )
    user = lookups.user(payload.user) if payload.user else None
    post = services.create_post(actor=request.user, org=org, role=payload.role,
                                resident=resident, user=user, since=payload.since)  # fmt: skip
    return Status(201, _post_out(post))


@router.post("/posts/{post_id}/end", response={200: PostOut, **ERRORS}, summary="End a post")
def end_post(request: HttpRequest, post_id: Id, payload: EndIn):
    """Ends the post and the links its holder keeps through it."""
    post = services.end_post(actor=request.user, post=lookups.post(request.user, post_id),
                             on=payload.on)  # fmt: skip
    return _post_out(Post.objects.select_related("resident", "user").get(pk=post.pk))


# ---------------------------------------------------------------- central households


@router.post(
    "/orgs/{org_id}/centrals", response={201: CentralOut, **ERRORS},
    summary="Designate a central household or model post",
)  # fmt: skip
def create_central(request: HttpRequest, org_id: Id, payload: CentralIn):
    group = lookups.org(request.user, org_id)
    keeper = lookups.resident(request.user, payload.keeper, "keeper")
    central = services.designate_central(actor=request.user, group=group, keeper=keeper,
                                         kind=payload.kind, name=payload.name,
                                         since=payload.since)  # fmt: skip
    return Status(201, _central_out(central))


@router.post("/centrals/{central_id}/end", response={200: CentralOut, **ERRORS}, summary="End")
def end_central(request: HttpRequest, central_id: Id, payload: EndIn):
    central = services.end_central(
        actor=request.user, central=lookups.central(request.user, central_id), on=payload.on
    )
    return _central_out(CentralHousehold.objects.select_related("household", "keeper")
                        .get(pk=central.pk))  # fmt: skip


# ---------------------------------------------------------------- links


@router.get("/links", response={200: LinkList, **ERRORS}, summary="Links of the pyramid")
def list_links(request: HttpRequest, filters: Query[LinkQuery]):  # type: ignore[type-arg]
    """Current links whose source lies under `grid`, the first 500 (count: all of them)."""
    if filters.grid:
        lookups.grid(request.user, filters.grid)
    qs = Link.objects.visible_to(request.user, Right.VIEW).current().under(filters.grid or "")
    if filters.level:
        qs = qs.filter(level=filters.level)
    related = [f"{col}" for cols in ENDS.values() for col in cols]
    items = list(qs.select_related(*dict.fromkeys(related))[:LINKS_LISTED])
    return {"count": qs.count(), "items": [_link_out(link) for link in items]}


@router.post("/links", response={201: LinkOut, **ERRORS}, summary="Link")
def create_link(request: HttpRequest, payload: LinkIn):
    """Links past their range are kept (the check lists them); a link already in force is 409."""
    source, target = lookups.ends(request.user, payload.level, payload.source, payload.target)
    link = services.create_link(actor=request.user, level=payload.level, source=source,
                                target=target, since=payload.since)  # fmt: skip
    return Status(201, _link_out(link))


@router.post("/links/{link_id}/end", response={200: LinkOut, **ERRORS}, summary="End a link")
def end_link(request: HttpRequest, link_id: Id, payload: EndIn):
    link = services.end_link(actor=request.user, link=lookups.link(request.user, link_id),
                             on=payload.on)  # fmt: skip
    return _link_out(link)


# ---------------------------------------------------------------- checks


@router.get("/check", response={200: CheckOut, **ERRORS}, summary="Check the pyramid")
def check(request: HttpRequest, filters: Query[GridQuery]):  # type: ignore[type-arg]
    """Per level: sources by verdict and those out of range (first 200); households no
    party member is linked to; party members no central household links."""
    grid = filters.grid or ""
    if grid:
        lookups.grid(request.user, grid)
    c = queries.check(request.user, grid)
    return {
        "levels": [
            {"level": lv.level, "low": lv.range.low, "high": lv.range.high, "tally": lv.tally,
             "problems": [vars(p) for p in lv.problems]}
            for lv in c.levels
        ],
        "households": c.households,
        "unlinked_households": c.unlinked_households,
        "unlinked_household_ids": [h.public_id for h in c.unlinked_household_rows],
        "members": c.members,
        "members_without_central": c.members_without_central,
        "member_ids": [m.public_id for m in c.member_rows],
    }  # fmt: skip


@router.get("/norm", response={200: NormList, **ERRORS}, summary="Central households per grid")
def norm(request: HttpRequest, filters: Query[GridQuery]):  # type: ignore[type-arg]
    """Per grid: households, central households and the norm (one per 10–15 households)."""
    grid = filters.grid or ""
    if grid:
        lookups.grid(request.user, grid)
    rng = pyramid.ranges()["households_per_central"]
    rows = queries.norms(request.user, grid)
    return {
        "low": rng.low, "high": rng.high,
        "items": [{"grid_code": r.grid.code, "name": r.grid.name, **vars(r.norm)} for r in rows],
    }  # fmt: skip
