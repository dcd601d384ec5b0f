"""The keeper's phone page (/m/moralbank/<point>/): type or scan the household's card
number, see what it may still redeem this year, choose the goods, hand them over; a
receipt. The form carries a key made when the page was opened, so pressing twice (or a
retried request) redeems once."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gridgov.core.errors import ServiceError, refuse_page
from gridgov.core.scope import in_scope

from .forms import RedeemForm
from .models import Redemption, RedemptionPoint
from .services import ledger, redemption


def _point(request: HttpRequest, public_id: uuid.UUID) -> RedemptionPoint:
    point = RedemptionPoint.objects.select_related("village").filter(public_id=public_id).first()
    if point is None:
        raise Http404
    if not redemption.may_keep(request.user, point):
        if not in_scope(request.user, point.grid_code):
            raise Http404
        raise PermissionDenied
    return point


@require_http_methods(["GET", "POST"])
@login_required
def redeem(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    point = _point(request, public_id)
    stock = {s.goods_id: s.quantity for s in point.stock.all()}
    goods = [g for g in point.village.goods.filter(active=True) if stock.get(g.pk, 0) > 0]
    form = RedeemForm(request.POST or None, initial={"key": uuid.uuid4().hex})
    card = (request.POST.get("card") or request.GET.get("card") or "").strip()
    found = None
    balance = None
    error = ""
    if card:
        try:
            found = redemption.find_card(point, card)
            balance = ledger.balances(found, timezone.localdate().year)
        except ServiceError as e:
            error = str(e.message)
    wanted: dict[int, int] = {}
    if request.method == "POST" and form.is_valid():
        for g in goods:
            raw = request.POST.get(f"q_{g.pk}", "").strip() or "0"
            if not raw.isdigit():
                error = _("%(name)s: a whole number.") % {"name": g.name}
                break
            if int(raw):
                wanted[g.pk] = int(raw)
        if not error:
            lines = [(g, wanted[g.pk]) for g in goods if g.pk in wanted]
            try:
                r = redemption.redeem(actor=request.user, point=point, card=card, lines=lines,
                                      key=form.cleaned_data["key"])  # fmt: skip
            except ServiceError as e:
                refuse_page(e, (None,))
                error = str(e.message)
            else:
                return redirect("m_moralbank:receipt", r.public_id)
    elif request.method == "POST":
        error = " ".join(str(m) for errs in form.errors.values() for m in errs)
    rows = [(g, stock.get(g.pk, 0), wanted.get(g.pk, "")) for g in goods]
    ctx = {
        "point": point, "form": form, "card": card, "found": found, "balance": balance,
        "error": error, "rows": rows,
    }  # fmt: skip
    return render(
        request,
        "moralbank/redeem.html",
        ctx,
        status=422 if error and request.method == "POST" else 200,
    )


@require_GET
@login_required
def receipt(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    r = (
        Redemption.objects.select_related("point", "account", "point__village")
        .filter(public_id=public_id)
        .first()
    )
    if r is None:
        raise Http404
    _point(request, r.point.public_id)
    balance = ledger.balances(r.account, r.year)
    return render(request, "moralbank/receipt.html", {"r": r, "balance": balance})
