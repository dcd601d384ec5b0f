"""The committee's goods and money pages (R-MORAL-8): the catalogue with its prices, stock
in and out at the points, the money account fed by the five sources; and the town or
county view of the villages taking part."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gridgov.core.errors import ServiceError, refuse_page
from gridgov.core.scope import in_scope
from gridgov.grids.models import Grid

from . import queries
from .forms import FundForm, GoodsForm, StockForm
from .services import funds, redemption
from .services.common import MANAGE
from .views import _errors, _village


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


def _run(request: HttpRequest, fn: Any, **kwargs: Any) -> bool:
    try:
        fn(actor=request.user, **kwargs)
    except ServiceError as e:
        refuse_page(e, (None,))
        messages.error(request, str(e.message))
        return False
    messages.success(request, _("Saved."))
    return True


@require_http_methods(["GET", "POST"])
@login_required
def goods(request: HttpRequest, code: str) -> HttpResponse:
    """The catalogue, the stock at each point and the goods account of the year."""
    v = _village(request, code)
    points = list(v.points.all())
    catalogue = list(v.goods.all())
    goods_form = GoodsForm(prefix="g")
    stock_form = StockForm(prefix="s", points=points, goods=catalogue)
    if request.method == "POST":
        if "g-name" in request.POST:
            goods_form = GoodsForm(request.POST, prefix="g")
            if goods_form.is_valid():
                _run(request, redemption.add_goods, village=v, **goods_form.cleaned_data)
            else:
                messages.error(request, _errors(goods_form))
        else:
            stock_form = StockForm(request.POST, prefix="s", points=points, goods=catalogue)
            if stock_form.is_valid():
                d = stock_form.cleaned_data
                point = next(p for p in points if str(p.public_id) == d["point"])
                item = next(g for g in catalogue if str(g.pk) == d["goods"])
                _run(request, redemption.move_stock, point=point, goods=item, kind=d["kind"],
                     quantity=d["quantity"], note=d["note"])  # fmt: skip
            else:
                messages.error(request, _errors(stock_form))
        return redirect("moralbank:goods", v.grid_code)
    year = _year(request)
    ctx = {
        "village": v, "year": year, "account": queries.goods_account(v, year),
        "points": points, "committee": in_scope(request.user, v.grid_code, MANAGE),
        "goods_form": goods_form, "stock_form": stock_form,
    }  # fmt: skip
    return render(request, "moralbank/goods.html", ctx)


@require_http_methods(["GET", "POST"])
@login_required
def money(request: HttpRequest, code: str) -> HttpResponse:
    v = _village(request, code)
    form = FundForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            fen = int(d["yuan"] * Decimal(100))
            amount = fen if d["direction"] == "in" else -fen
            _run(request, funds.record, village=v, on=d["on"], amount=amount, note=d["note"],
                 source=d["source"])  # fmt: skip
        else:
            messages.error(request, _errors(form))
        return redirect("moralbank:money", v.grid_code)
    year = _year(request)
    ctx = {
        "village": v, "year": year, "money": queries.money(v, year), "form": form,
        "committee": in_scope(request.user, v.grid_code, MANAGE),
    }  # fmt: skip
    return render(request, "moralbank/money.html", ctx)


@require_GET
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """A town's or the county's villages taking part, side by side (`?grid=` a code in the
    person's scope; default their outermost)."""
    code = request.GET.get("grid", "")
    if not code:
        seen = queries.villages_for(request.user, timezone.localdate()).order_by("grid_code")
        first = seen.first()
        code = first.grid_code[:6] if first else ""
    level = Grid.objects.filter(code=code).first()
    if level is None or not in_scope(request.user, code, "view"):
        raise Http404
    year = _year(request)
    rows = queries.rollup(request.user, code, year)
    keys = ("accounts", "active", "awarded", "deducted", "redeemed", "stock", "income",
            "balance", "listed")  # fmt: skip
    totals = {k: sum(r[k] for r in rows) for k in keys}
    ctx = {"level": level, "year": year, "rows": rows, "totals": totals}
    return render(request, "moralbank/overview.html", ctx)
