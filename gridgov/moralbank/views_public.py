"""The village's public page (no login): the items on notice, this year's honour roll and
the rules in force; a printable notice for the board. Households are shown as the village
publishes them (queries.public_name); who declared, reported or objected never."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import queries
from .models import Village


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
