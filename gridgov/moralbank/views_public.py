"""The village's public page (no login): the items on notice, this year's honour roll and
the rules in force; a printable notice for the board. Households are shown as the village
publishes them (queries.public_name); who declared, reported or objected never."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gridgov.accounts.security import client_address
from gridgov.core.errors import ServiceError

from . import queries
from .choices import Status
from .forms import PublicObjectionForm
from .models import Declaration, Village
from .services import declarations


def _village(public_id: uuid.UUID) -> Village:
    found = Village.objects.filter(public_id=public_id).first()
    if found is None:
        raise Http404
    return found


@require_GET
def page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    v = _village(public_id)
    now = timezone.now()
    year = timezone.localtime(now).year
    ctx = {
        "village": v, **queries.public_page(v, now),
        # Published (R-MORAL-8): the goods and money accounts of the year.
        "goods": queries.goods_account(v, year), "money": queries.money(v, year),
    }  # fmt: skip
    return render(request, "moralbank/public.html", ctx)


@require_GET
def notice(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The notice for the village's board, to print (公示)."""
    v = _village(public_id)
    ctx = {"village": v, "today": timezone.localdate(), **queries.public_page(v, timezone.now())}
    return render(request, "moralbank/notice_print.html", ctx)


@require_http_methods(["GET", "POST"])
def object_to(request: HttpRequest, public_id: uuid.UUID, item: uuid.UUID) -> HttpResponse:
    """Anyone objects to an item on notice (公開接受群眾監督): the item stops until the
    review group rules. Counted against the sender's hourly limit."""
    v = _village(public_id)
    d = (
        Declaration.objects.filter(village=v, public_id=item, status=Status.ON_NOTICE)
        .select_related("item", "account")
        .first()
    )
    if d is None or d.notice_over(timezone.now()):
        raise Http404
    form = PublicObjectionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            declarations.object_publicly(
                address=client_address(request), declaration=d, **form.cleaned_data
            )
        except ServiceError as e:
            form.add_error(e.field if e.field in form.fields else None, str(e.message))
            status = e.status if e.status in (409, 429) else 422
        else:
            messages.success(
                request,
                _("Your objection is recorded: the item stops until the review group rules."),
            )
            return redirect("moralbank:public", v.public_id)
    elif request.method == "POST":
        status = 422
    ctx = {"village": v, "d": d, "form": form}
    return render(request, "moralbank/public_object.html", ctx, status=status)
