"""/api/v1/moralbank: villages and their rules, meetings and review group; declarations,
votes, the committee's check, objections and rulings; accounts with their balances and
statement, vetoes and reversals; goods, stock and redemption; the ranking, the negative list
and the public village page (no login)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from gridgov.accounts.models import User
from gridgov.core.errors import NotFound
from gridgov.core.schemas import ERRORS
from gridgov.core.scope import in_scope
from gridgov.grids.models import Grid
from gridgov.registry.models import Household

from . import queries
from .models import (
    Account,
    Declaration,
    Entry,
    Goods,
    Objection,
    RedemptionPoint,
    RepresentativesMeeting,
    RuleItem,
    RuleSet,
    Village,
    Vote,
)
from .schemas import (
    MoralAccountOut,
    MoralAdoptIn,
    MoralCheckIn,
    MoralDeclarationIn,
    MoralDeclarationOut,
    MoralEntryOut,
    MoralFiguresOut,
    MoralFundIn,
    MoralFundOut,
    MoralGoodsIn,
    MoralGoodsOut,
    MoralGroupIn,
    MoralGroupOut,
    MoralMeetingIn,
    MoralMeetingOut,
    MoralMoneyOut,
    MoralObjectionIn,
    MoralObjectionOut,
    MoralPublicOut,
    MoralRankedOut,
    MoralReceiptOut,
    MoralRedeemIn,
    MoralReverseIn,
    MoralRulesIn,
    MoralRulesOut,
    MoralRulingIn,
    MoralStockIn,
    MoralStockOut,
    MoralVetoIn,
    MoralVetoOut,
    MoralVillageIn,
    MoralVillageOut,
    MoralVoteIn,
)
from .services import declarations, funds, ledger, redemption, village
from .services.common import MANAGE

router = Router(tags=["moralbank"])


# ---------------------------------------------------------------- look-ups


def _village(request: HttpRequest, code: str) -> Village:
    found = queries.villages_for(request.user, timezone.localdate()).filter(grid_code=code).first()
    if found is None:
        raise NotFound(_("No village with code %(code)s.") % {"code": code})
    return found


def _declaration(request: HttpRequest, public_id: uuid.UUID) -> Declaration:
    found = (
        queries.declarations_for(request.user, timezone.localdate())
        .select_related("village", "account", "item")
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise NotFound(_("Not found."))
    return found


def _point(request: HttpRequest, public_id: uuid.UUID) -> RedemptionPoint:
    point = RedemptionPoint.objects.select_related("village").filter(public_id=public_id).first()
    # Its keepers and whoever sees the village; a refusal to act is the service's (403).
    if point is None or not (
        redemption.may_keep(request.user, point) or in_scope(request.user, point.grid_code)
    ):
        raise NotFound(_("Not found."))
    return point


def _account(request: HttpRequest, code: str, card: str) -> Account:
    """An account of a household in the person's scope (a grid worker sees their grid's)."""
    found = (
        Account.objects.visible_to(request.user)
        .select_related("village")
        .filter(village__grid_code=code, card=card)
        .first()
    )
    if found is None:
        raise NotFound(_("No household of this village has card %(card)s.") % {"card": card})
    return found


def _rules_out(rs: RuleSet) -> dict[str, Any]:
    return {
        "public_id": rs.public_id, "version": rs.version, "title": rs.title,
        "adopted": rs.adopted, "published_on": rs.published_on, "applies_from": rs.applies_from,
        "items": list(rs.items.all()),
    }  # fmt: skip


def _declaration_out(d: Declaration, user: Any) -> dict[str, Any]:
    # Who recommended or reported a deed is the committee's to know (R-MORAL-3).
    committee = in_scope(user, d.village.grid_code, MANAGE)
    return {
        "public_id": d.public_id, "village": d.village.grid_code, "card": d.account.card,
        "item": d.item.code, "item_title": d.item.title, "points": d.points,
        "source": d.source, "channel": d.channel,
        "reporter": d.reporter if committee else None, "happened_on": d.happened_on,
        "place": d.place, "what": d.what, "status": d.status, "notice_until": d.notice_until,
        "votes": [
            {"member": v.member.username, "approve": v.approve, "comment": v.comment}
            for v in d.votes.all()
        ],
        "objections": list(d.objections.all()),
    }  # fmt: skip


# ---------------------------------------------------------------- villages and rules


@router.get("/villages", response={200: list[MoralVillageOut], **ERRORS}, summary="Villages")
def list_villages(request: HttpRequest):
    """Villages taking part in your scope, and those whose review group you sit on."""
    from django.db.models import Count

    rows = queries.villages_for(request.user, timezone.localdate()).annotate(n=Count("accounts"))
    return [_village_out(v, v.n) for v in rows.order_by("grid_code")]


def _village_out(v: Village, accounts: int) -> dict[str, Any]:
    return {
        "public_id": v.public_id, "code": v.grid_code, "name": v.name, "starts_on": v.starts_on,
        "notice_days": v.notice_days, "top_n": v.top_n, "publish_names": v.publish_names,
        "accounts": accounts,
    }  # fmt: skip


@router.post("/villages", response={201: MoralVillageOut, **ERRORS}, summary="Join the scheme")
def join(request: HttpRequest, payload: MoralVillageIn):
    """The village (a 12-digit grid) takes part from `starts_on`; its households get their
    accounts and card numbers. Right moralbank.manage."""
    grid = Grid.objects.filter(code=payload.grid, network__slug="comprehensive").first()
    if grid is None or not in_scope(request.user, grid.code):
        raise NotFound(_("No grid with code %(code)s.") % {"code": payload.grid}, field="grid")
    v = village.join(actor=request.user, grid=grid, **payload.dict(exclude={"grid"}))
    return Status(201, _village_out(v, v.accounts.count()))


@router.post("/villages/{code}/meetings", response={201: MoralMeetingOut, **ERRORS},
             summary="Record a representatives' meeting")  # fmt: skip
def record_meeting(request: HttpRequest, code: str, payload: MoralMeetingIn):
    v = _village(request, code)
    return Status(201, village.record_meeting(actor=request.user, village=v, **payload.dict()))


@router.get("/villages/{code}/rules", response={200: list[MoralRulesOut], **ERRORS},
            summary="The village's rule sets")  # fmt: skip
def list_rules(request: HttpRequest, code: str):
    v = _village(request, code)
    return [_rules_out(rs) for rs in v.rule_sets.prefetch_related("items")]


@router.post("/villages/{code}/rules", response={201: MoralRulesOut, **ERRORS},
             summary="Draft a new version of the rules")  # fmt: skip
def draft_rules(request: HttpRequest, code: str, payload: MoralRulesIn):
    v = _village(request, code)
    items: list[Any] = [i.dict() for i in payload.items]
    rs = village.draft_rules(actor=request.user, village=v, title=payload.title, items=items)
    return Status(201, _rules_out(rs))


@router.post("/rules/{public_id}/adopt", response={200: MoralRulesOut, **ERRORS},
             summary="Adopt a draft by a representatives' meeting")  # fmt: skip
def adopt_rules(request: HttpRequest, public_id: uuid.UUID, payload: MoralAdoptIn):
    rs = RuleSet.objects.select_related("village").filter(public_id=public_id).first()
    if (
        rs is None
        or not queries.villages_for(request.user, timezone.localdate())
        .filter(pk=rs.village_id)
        .exists()
    ):
        raise NotFound(_("Not found."))
    meeting = RepresentativesMeeting.objects.filter(public_id=payload.meeting).first()
    if meeting is None:
        raise NotFound(_("No such meeting."), field="meeting")
    rs = village.adopt_rules(
        actor=request.user, rule_set=rs, meeting=meeting, published_on=payload.published_on,
        applies_from=payload.applies_from,
    )  # fmt: skip
    return _rules_out(rs)


@router.post("/villages/{code}/review-group", response={201: MoralGroupOut, **ERRORS},
             summary="Elect the review group (5–7 members)")  # fmt: skip
def elect_group(request: HttpRequest, code: str, payload: MoralGroupIn):
    v = _village(request, code)
    meeting = v.meetings.filter(public_id=payload.meeting).first()
    if meeting is None:
        raise NotFound(_("No such meeting."), field="meeting")
    names = list(dict.fromkeys(payload.members))
    people = list(User.objects.filter(username__in=names, is_active=True))
    if len(people) != len(names):
        raise NotFound(_("No such person."), field="members")
    group = village.elect_group(
        actor=request.user, village=v, meeting=meeting, starts_on=payload.starts_on,
        members=people,
    )  # fmt: skip
    return Status(201, {"starts_on": group.starts_on, "members": sorted(names)})


# ---------------------------------------------------------------- declarations


@router.get("/declarations", response={200: list[MoralDeclarationOut], **ERRORS},
            summary="Declarations you can see")  # fmt: skip
def list_declarations(
    request: HttpRequest,
    village_code: str = Query("", alias="village", max_length=12),  # type: ignore[type-arg]
    status: str = Query("", max_length=10),  # type: ignore[type-arg]
    limit: int = Query(50, ge=1, le=200),  # type: ignore[type-arg]
    offset: int = Query(0, ge=0, le=1_000_000),  # type: ignore[type-arg]
):
    """Newest first: of households in your scope, and of the villages whose review group
    you sit on; `status` in_review, reviewed, on_notice, objected, posted, rejected."""
    rows = (
        queries.declarations_for(request.user, timezone.localdate())
        .select_related("village", "account", "item")
        .prefetch_related(Prefetch("votes", Vote.objects.select_related("member")), "objections")
    )
    if village_code:
        rows = rows.filter(village__grid_code=village_code)
    if status:
        rows = rows.filter(status=status)
    return [_declaration_out(d, request.user) for d in rows[offset : offset + limit]]


@router.post("/declarations", response={201: MoralDeclarationOut, **ERRORS},
             summary="Receive a declaration, recommendation or report")  # fmt: skip
def declare(request: HttpRequest, payload: MoralDeclarationIn):
    household = Household.objects.filter(public_id=payload.household).first()
    if household is None or not in_scope(request.user, household.grid_code):
        raise NotFound(_("No such household."), field="household")
    account = village.account_for(household)
    rules = village.rules_in_force(account.village, payload.happened_on)
    item = RuleItem.objects.filter(rule_set=rules, code=payload.item).first() if rules else None
    if item is None:
        raise NotFound(_("Not an item of the rules in force on the day of the deed."), field="item")
    d = declarations.declare(
        actor=request.user, household=household, item=item,
        **payload.dict(exclude={"household", "item"}),
    )  # fmt: skip
    return Status(201, _declaration_out(d, request.user))


@router.get("/declarations/{public_id}", response={200: MoralDeclarationOut, **ERRORS},
            summary="One declaration")  # fmt: skip
def get_declaration(request: HttpRequest, public_id: uuid.UUID):
    return _declaration_out(_declaration(request, public_id), request.user)


@router.post("/declarations/{public_id}/votes", response={201: MoralDeclarationOut, **ERRORS},
             summary="Vote as a member of the review group")  # fmt: skip
def vote(request: HttpRequest, public_id: uuid.UUID, payload: MoralVoteIn):
    d = _declaration(request, public_id)
    declarations.vote(actor=request.user, declaration=d, **payload.dict())
    return Status(201, _declaration_out(_declaration(request, public_id), request.user))


@router.post("/declarations/{public_id}/check", response={200: MoralDeclarationOut, **ERRORS},
             summary="The village committee's check")  # fmt: skip
def check(request: HttpRequest, public_id: uuid.UUID, payload: MoralCheckIn):
    d = _declaration(request, public_id)
    declarations.committee_check(actor=request.user, declaration=d, **payload.dict())
    return _declaration_out(_declaration(request, public_id), request.user)


@router.post("/declarations/{public_id}/objections", response={201: MoralObjectionOut, **ERRORS},
             summary="Record an objection during the notice")  # fmt: skip
def object_to(request: HttpRequest, public_id: uuid.UUID, payload: MoralObjectionIn):
    d = _declaration(request, public_id)
    return Status(201, declarations.object_to(actor=request.user, declaration=d, **payload.dict()))


@router.post("/objections/{public_id}/ruling", response={200: MoralObjectionOut, **ERRORS},
             summary="The review group's ruling on an objection")  # fmt: skip
def rule(request: HttpRequest, public_id: uuid.UUID, payload: MoralRulingIn):
    o = Objection.objects.select_related("declaration").filter(public_id=public_id).first()
    seen = queries.declarations_for(request.user, timezone.localdate())
    if o is None or not seen.filter(pk=o.declaration_id).exists():
        raise NotFound(_("Not found."))
    return declarations.rule(actor=request.user, objection=o, **payload.dict())


# ---------------------------------------------------------------- accounts


@router.get("/villages/{code}/accounts/{card}", response={200: MoralAccountOut, **ERRORS},
            summary="A household's balances and statement")  # fmt: skip
def get_account(request: HttpRequest, code: str, card: str, year: int = 0):
    a = _account(request, code, card)
    year = year or timezone.localdate().year
    b = ledger.balances(a, year)
    entries = list(Entry.objects.filter(account=a).order_by("booked_at", "id"))
    return {
        "card": a.card, "village": code, "year": year, "savings": b.savings,
        "earned": b.earned, "available": b.available,
        "vetoed": a.vetoes.filter(year=year).exists(), "entries": entries,
    }  # fmt: skip


@router.post("/villages/{code}/accounts/{card}/vetoes", response={201: MoralVetoOut, **ERRORS},
             summary="Put a household on the year's negative list")  # fmt: skip
def veto(request: HttpRequest, code: str, card: str, payload: MoralVetoIn):
    a = _account(request, code, card)
    rules = village.rules_in_force(a.village, timezone.localdate())
    item = RuleItem.objects.filter(rule_set=rules, code=payload.item).first() if rules else None
    if item is None:
        raise NotFound(_("Not a veto item of the rules in force."), field="item")
    v = declarations.veto(actor=request.user, account=a, item=item, year=payload.year,
                          reason=payload.reason, board=payload.board)  # fmt: skip
    return Status(201, _veto_out(v))


def _veto_out(v: Any) -> dict[str, Any]:
    return {
        "card": v.account.card, "year": v.year, "item": v.item.title, "reason": v.reason,
        "board": v.board, "decided_on": v.decided_on, "decided_by": v.decided_by.username,
    }  # fmt: skip


@router.post("/entries/{public_id}/reverse", response={201: MoralEntryOut, **ERRORS},
             summary="Reverse an entry")  # fmt: skip
def reverse(request: HttpRequest, public_id: uuid.UUID, payload: MoralReverseIn):
    e = Entry.objects.visible_to(request.user).select_related("account__village")
    found = e.filter(public_id=public_id).first()
    if found is None:
        raise NotFound(_("Not found."))
    return Status(201, ledger.reverse(actor=request.user, entry=found, reason=payload.reason))


@router.get("/villages/{code}/ranking", response={200: list[MoralRankedOut], **ERRORS},
            summary="The year's ranking by household average")  # fmt: skip
def ranking(request: HttpRequest, code: str, year: int = 0):
    v = _village(request, code)
    rows = queries.ranking(v, year or timezone.localdate().year)
    return [
        {"rank": r.rank, "name": r.name, "points": r.points, "members": r.members,
         "average": float(r.average), "proposed": r.proposed}
        for r in rows
    ]  # fmt: skip


@router.get("/villages/{code}/negative-list", response={200: list[MoralVetoOut], **ERRORS},
            summary="The year's negative and black lists")  # fmt: skip
def negative_list(request: HttpRequest, code: str, year: int = 0):
    v = _village(request, code)
    return [_veto_out(x) for x in queries.negative_list(v, year or timezone.localdate().year)]


# ---------------------------------------------------------------- goods and redemption


@router.get("/villages/{code}/goods", response={200: list[MoralGoodsOut], **ERRORS},
            summary="The goods catalogue")  # fmt: skip
def list_goods(request: HttpRequest, code: str):
    return list(_village(request, code).goods.all())


@router.post("/villages/{code}/goods", response={201: MoralGoodsOut, **ERRORS},
             summary="Add goods to the catalogue")  # fmt: skip
def add_goods(request: HttpRequest, code: str, payload: MoralGoodsIn):
    v = _village(request, code)
    return Status(201, redemption.add_goods(actor=request.user, village=v, **payload.dict()))


def _goods(point: RedemptionPoint, pk: int, field: str) -> Goods:
    found = Goods.objects.filter(village_id=point.village_id, pk=pk).first()
    if found is None:
        raise NotFound(_("No such goods."), field=field)
    return found


@router.get("/points/{public_id}/stock", response={200: list[MoralStockOut], **ERRORS},
            summary="A redemption point's stock")  # fmt: skip
def stock(request: HttpRequest, public_id: uuid.UUID):
    point = _point(request, public_id)
    rows = point.stock.select_related("goods").order_by("goods__name")
    return [{"goods": s.goods_id, "name": s.goods.name, "quantity": s.quantity} for s in rows]


@router.post("/points/{public_id}/stock", response={201: MoralStockOut, **ERRORS},
             summary="Stock in or out")  # fmt: skip
def move_stock(request: HttpRequest, public_id: uuid.UUID, payload: MoralStockIn):
    point = _point(request, public_id)
    goods = _goods(point, payload.goods, "goods")
    redemption.move_stock(actor=request.user, point=point, goods=goods, kind=payload.kind,
                          quantity=payload.quantity, note=payload.note)  # fmt: skip
    row = point.stock.get(goods=goods)
    return Status(201, {"goods": goods.pk, "name": goods.name, "quantity": row.quantity})


def receipt(r: Any) -> dict[str, Any]:
    return {
        "public_id": r.public_id, "number": r.number, "card": r.account.card,
        "point": r.point.name, "at": r.created_at, "total": r.total,
        "available_after": ledger.balances(r.account, r.year).available, "lines": r.lines,
    }  # fmt: skip


@router.post("/points/{public_id}/redemptions", response={201: MoralReceiptOut, **ERRORS},
             summary="Redeem goods by card number")  # fmt: skip
def redeem(request: HttpRequest, public_id: uuid.UUID, payload: MoralRedeemIn):
    """Never beyond this year's balance (409 over_balance) nor the stock (422); the same
    `key` twice gives the first receipt."""
    point = _point(request, public_id)
    lines = [(_goods(point, line.goods, "lines"), line.quantity) for line in payload.lines]
    r = redemption.redeem(actor=request.user, point=point, card=payload.card, lines=lines,
                          key=payload.key)  # fmt: skip
    return Status(201, receipt(r))


# ---------------------------------------------------------------- money and overview


@router.get("/villages/{code}/funds", response={200: MoralMoneyOut, **ERRORS},
            summary="The money account of a year")  # fmt: skip
def money(request: HttpRequest, code: str, year: int = 0):
    v = _village(request, code)
    year = year or timezone.localdate().year
    return {"year": year, **queries.money(v, year)}


@router.post("/villages/{code}/funds", response={201: MoralFundOut, **ERRORS},
             summary="Record money in (with its source) or out")  # fmt: skip
def record_fund(request: HttpRequest, code: str, payload: MoralFundIn):
    v = _village(request, code)
    return Status(201, funds.record(actor=request.user, village=v, **payload.dict()))


@router.get("/overview", response={200: list[MoralFiguresOut], **ERRORS},
            summary="The villages taking part under a town or county")  # fmt: skip
def overview(
    request: HttpRequest,
    grid: str = Query(..., pattern=r"^\d{6,12}$"),  # type: ignore[type-arg]
    year: int = 0,
):
    if not in_scope(request.user, grid):
        raise NotFound(_("No grid with code %(code)s.") % {"code": grid}, field="grid")
    rows = queries.rollup(request.user, grid, year or timezone.localdate().year)
    return [
        {**{k: v for k, v in r.items() if k != "village"}, "village": r["village"].grid_code,
         "name": r["village"].name}
        for r in rows
    ]  # fmt: skip


# ---------------------------------------------------------------- public


@router.get("/public/{public_id}", response={200: MoralPublicOut, **ERRORS}, auth=None,
            summary="A village's public page: notices, honour roll, rules")  # fmt: skip
def public(request: HttpRequest, public_id: uuid.UUID):
    """What the village publishes, for anyone: the items on notice, this year's honour roll
    and the rules in force. Households as the village publishes them; no reporters."""
    v = Village.objects.filter(public_id=public_id).first()
    if v is None:
        raise NotFound(_("Not found."))
    now = timezone.now()
    year = timezone.localtime(now).year
    return {
        **queries.public_page(v, now), "goods": queries.goods_account(v, year),
        "money": {"year": year, **queries.money(v, year)},
    }  # fmt: skip
