"""Moral bank pages for the village: the committee's page (items to check, vetoes, the
year's figures), the review group's page (votes, rulings on objections), receiving a
declaration, a household's statement and its points cards, and the ranking with the
negative list. Out of scope 404, in scope without the right 403 (core.errors.refuse_page)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gridgov.core.errors import ServiceError, refuse_page
from gridgov.core.scope import in_scope

from . import queries
from .choices import Status
from .forms import CheckForm, DeclarationForm, ObjectionForm, RulingForm, VetoForm, VoteForm
from .models import Account, Declaration, Entry, Objection, Village
from .services import declarations, ledger
from .services.common import MANAGE, RECORD
from .services.village import is_member, rules_in_force


def _village(request: HttpRequest, code: str) -> Village:
    found = queries.villages_for(request.user, timezone.localdate()).filter(grid_code=code).first()
    if found is None:
        raise Http404
    return found


def _errors(form: Any) -> str:
    return " ".join(str(m) for errs in form.errors.values() for m in errs)


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The villages taking part that the person sees (a member of a review group sees
    their village's)."""
    rows = queries.villages_for(request.user, timezone.localdate()).order_by("grid_code")
    if len(rows) == 1:
        return redirect("moralbank:village", rows[0].grid_code)
    return render(request, "moralbank/index.html", {"villages": rows})


@require_GET
@login_required
def village(request: HttpRequest, code: str) -> HttpResponse:
    """The committee's page: items the review group approved, to check; items on notice and
    their objections; vetoes; the year's figures."""
    v = _village(request, code)
    today = timezone.localdate()
    committee = in_scope(request.user, v.grid_code, MANAGE)
    rows = Declaration.objects.filter(village=v).select_related("item", "account")
    rules = rules_in_force(v, today)
    ctx = {
        "village": v,
        "committee": committee,
        "member": is_member(request.user, v, today),
        "record": in_scope(request.user, v.grid_code, RECORD),
        "to_check": rows.filter(status=Status.REVIEWED).order_by("created_at"),
        "in_review": rows.filter(status=Status.IN_REVIEW).count(),
        "notices": rows.filter(status__in=[Status.ON_NOTICE, Status.OBJECTED]).order_by(
            "notice_until"
        ),
        "figures": queries.figures(v, today.year),
        "year": today.year,
        "check_form": CheckForm(),
        "objection_form": ObjectionForm(),
        "veto_form": VetoForm(
            items=list(rules.items.all()) if rules else [], initial={"year": today.year}
        ),
        "vetoes": queries.negative_list(v, today.year),
    }
    return render(request, "moralbank/village.html", ctx)


@require_GET
@login_required
def review(request: HttpRequest, code: str) -> HttpResponse:
    """The review group's page: items in review, each member's vote; objections to rule."""
    v = _village(request, code)
    today = timezone.localdate()
    mine = set(
        Declaration.objects.filter(village=v, votes__member=request.user.pk).values_list(
            "pk", flat=True
        )
    )
    items = list(
        Declaration.objects.filter(village=v, status=Status.IN_REVIEW)
        .select_related("item", "account")
        .prefetch_related("votes__member")
        .order_by("created_at")
    )
    ctx = {
        "village": v,
        "member": is_member(request.user, v, today),
        "committee": in_scope(request.user, v.grid_code, MANAGE),
        "items": [(d, d.pk in mine) for d in items],
        "objections": Objection.objects.filter(declaration__village=v, upheld__isnull=True)
        .select_related("declaration__item", "declaration__account")
        .order_by("created_at"),
        "vote_form": VoteForm(),
        "ruling_form": RulingForm(),
    }
    return render(request, "moralbank/review.html", ctx)


@require_http_methods(["GET", "POST"])
@login_required
def declare(request: HttpRequest, code: str) -> HttpResponse:
    """Receive a declaration, a hamlet head's recommendation or anyone's report."""
    v = _village(request, code)
    # Whoever receives declarations somewhere in the village (a grid worker for their grid).
    if not Account.objects.visible_to(request.user, RECORD).filter(village=v).exists():
        raise PermissionDenied
    today = timezone.localdate()
    rules = rules_in_force(v, today)
    items = list(rules.items.all()) if rules else []
    form = DeclarationForm(request.POST or None, request.FILES or None, items=items,
                           initial={"happened_on": today})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        account = Account.objects.filter(village=v, card=d["card"].strip()).first()
        try:
            if account is None:
                raise ServiceError("invalid", _("No household of this village has card %(card)s.")
                                   % {"card": d["card"]}, field="card", status=422)  # fmt: skip
            day_rules = rules_in_force(v, d["happened_on"])
            item = day_rules.items.filter(code=d["item"]).first() if day_rules else None
            if item is None:
                raise ServiceError("invalid", _("Not an item of the rules in force on the day of "
                                   "the deed."), field="item", status=422)  # fmt: skip
            files = list(request.FILES.getlist("evidence_files"))
            declarations.declare(
                actor=request.user, household=account.household, item=item,
                points=d["points"], source=d["source"], channel=d["channel"],
                reporter=d["reporter"], happened_on=d["happened_on"], place=d["place"],
                what=d["what"], evidence=[d["evidence"]] if d["evidence"] else [], files=files,
            )  # fmt: skip
        except ServiceError as e:
            refuse_page(e, (None,))
            form.add_error(e.field if e.field in form.fields else None, str(e.message))
        else:
            messages.success(request, _("Declaration received: it goes to the review group."))
            return redirect("moralbank:declare", v.grid_code)
    return render(request, "moralbank/declare.html", {"village": v, "form": form})


def _declaration(request: HttpRequest, public_id: uuid.UUID) -> Declaration:
    found = (
        queries.declarations_for(request.user, timezone.localdate())
        .select_related("village", "account", "item")
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _act(request: HttpRequest, fn: Any, form: Any, back: str, done: str, **kwargs: Any) -> Any:
    """Run a service from a posted form; a refusal of scope or right is 404/403, any other
    is told as a message; back to the page the form was on."""
    if form.is_valid():
        try:
            fn(actor=request.user, **kwargs, **form.cleaned_data)
        except ServiceError as e:
            refuse_page(e, (None,))
            messages.error(request, str(e.message))
        else:
            messages.success(request, done)
    else:
        messages.error(request, _errors(form))
    return redirect(back)


@require_POST
@login_required
def vote(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    d = _declaration(request, public_id)
    back = f"{_url('review', d.village.grid_code)}#d-{d.public_id}"
    return _act(request, declarations.vote, VoteForm(request.POST), back, _("Vote recorded."),
                declaration=d)  # fmt: skip


@require_POST
@login_required
def check(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    d = _declaration(request, public_id)
    return _act(request, declarations.committee_check, CheckForm(request.POST),
                _url("village", d.village.grid_code), _("Checked."), declaration=d)  # fmt: skip


@require_POST
@login_required
def object_to(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    d = _declaration(request, public_id)
    return _act(request, declarations.object_to, ObjectionForm(request.POST),
                _url("village", d.village.grid_code),
                _("Objection recorded: the item stops until the review group rules."),
                declaration=d)  # fmt: skip


@require_POST
@login_required
def rule(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    o = Objection.objects.select_related("declaration").filter(public_id=public_id).first()
    if o is None:
        raise Http404
    d = _declaration(request, o.declaration.public_id)
    back = _url("review", d.village.grid_code)
    form = RulingForm(request.POST)
    return _act(request, declarations.rule, form, back, _("Ruling recorded."), objection=o)


@require_POST
@login_required
def veto(request: HttpRequest, code: str) -> HttpResponse:
    v = _village(request, code)
    rules = rules_in_force(v, timezone.localdate())
    form = VetoForm(request.POST, items=list(rules.items.all()) if rules else [])
    back = _url("village", v.grid_code)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(back)
    d = form.cleaned_data
    account = Account.objects.filter(village=v, card=d["card"].strip()).first()
    assert rules is not None
    item = rules.items.get(code=d["item"])
    try:
        if account is None:
            raise ServiceError("invalid", _("No household of this village has card %(card)s.")
                               % {"card": d["card"]}, field="card", status=422)  # fmt: skip
        declarations.veto(actor=request.user, account=account, item=item, year=d["year"],
                          reason=d["reason"], board=d["board"])  # fmt: skip
    except ServiceError as e:
        refuse_page(e, (None,))
        messages.error(request, str(e.message))
    else:
        messages.success(request, _("The household is on the year's list."))
    return redirect(back)


def _url(name: str, code: str) -> str:
    from django.urls import reverse

    return reverse(f"moralbank:{name}", args=[code])


@require_GET
@login_required
def account(request: HttpRequest, code: str, card: str) -> HttpResponse:
    """A household's statement: both balances and every entry (shown to it on request,
    vetoed or not); reporters are not on it."""
    found = (
        Account.objects.visible_to(request.user)
        .select_related("village")
        .filter(village__grid_code=code, card=card)
        .first()
    )
    if found is None:
        raise Http404
    year = timezone.localdate().year
    entries = (
        Entry.objects.filter(account=found)
        .select_related("declaration__item")
        .order_by("booked_at", "id")
    )
    ctx = {
        "account": found, "village": found.village, "year": year,
        "balances": ledger.balances(found, year), "entries": entries,
        "vetoes": found.vetoes.select_related("item"),
    }  # fmt: skip
    return render(request, "moralbank/account.html", ctx)


@require_GET
@login_required
def card(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The points card (積分卡) of a posted deed, with the committee's seal: printable."""
    entry = (
        Entry.objects.visible_to(request.user)
        .select_related("account__village", "declaration__item")
        .filter(public_id=public_id, declaration__isnull=False, reverses__isnull=True)
        .first()
    )
    if entry is None:
        raise Http404
    return render(request, "moralbank/card.html", {"entry": entry,
                                                   "village": entry.account.village})  # fmt: skip


@require_GET
@login_required
def ranking(request: HttpRequest, code: str) -> HttpResponse:
    """The year's ranking by household average, the proposed households, the honour roll,
    the negative list and the black list."""
    v = _village(request, code)
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    vetoes = queries.negative_list(v, year)
    ctx = {
        "village": v, "year": year, "ranked": queries.ranking(v, year),
        "honours": queries.honour_roll(v, year),
        "negative": [x for x in vetoes if x.board == "negative"],
        "black": [x for x in vetoes if x.board == "black"],
    }  # fmt: skip
    return render(request, "moralbank/ranking.html", ctx)
