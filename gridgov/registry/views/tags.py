"""Tags on the pages of residents and households: adding, reviewing, the detail fields of a
kind.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gridgov.accounts.roles import Right

from .. import forms, services
from ..models import Household, Resident, Tag
from .common import _act, _one
from .households import _household, _household_page
from .residents import _resident, _resident_page


def _add_tag(
    request: HttpRequest, page: Any, subject: Resident | Household, done: str, **whom: Any
) -> HttpResponse:
    form = forms.TagForm(request.POST)
    tag, status = _act(form, lambda d: services.add_tag(
        actor=request.user, kind=d["kind"], start=d["start"], end=d.get("end"),
        details=form.details(), **whom,
    ))  # fmt: skip
    if tag:
        return redirect(done + "#tags")
    return page(request, subject, tag_form=form, status=status)


@login_required
@require_POST
def resident_tag(request: HttpRequest, public_id: Any) -> HttpResponse:
    resident = _resident(request, public_id, Right.CHANGE_REGISTRY)
    done = reverse("registry:resident_detail", args=[resident.public_id])
    return _add_tag(request, _resident_page, resident, done, resident=resident)


@login_required
@require_POST
def household_tag(request: HttpRequest, public_id: Any) -> HttpResponse:
    household = _household(request, public_id, Right.CHANGE_REGISTRY)
    done = reverse("registry:household_detail", args=[household.public_id])
    return _add_tag(request, _household_page, household, done, household=household)


@login_required
def tag_fields(request: HttpRequest) -> HttpResponse:
    """The detail fields of a tag kind (a fragment for the add-tag form)."""
    return render(request, "registry/_tag_details.html", {"tag_form": forms.TagForm(request.GET)})


@login_required
@require_POST
def tag_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm a tag still holds (today), or end it."""
    tag = _one(Tag.objects.select_related("resident", "household"), request.user,
               Right.CHANGE_REGISTRY, pk=pk)  # fmt: skip
    subject = tag.resident or tag.household
    form = forms.TagReviewForm(request.POST, prefix=f"tag{tag.pk}")
    done, status = _act(form, lambda d: services.review_tag(actor=request.user, tag=tag,
                                                            end=d["end"]))  # fmt: skip
    if done:
        name = "resident_detail" if tag.resident else "household_detail"
        return redirect(reverse(f"registry:{name}", args=[subject.public_id]) + "#tags")
    if tag.resident is not None:
        resident = _resident(request, tag.resident.public_id)
        return _resident_page(request, resident, review_forms={tag.pk: form}, status=status)
    household = _household(request, tag.household.public_id)
    return _household_page(request, household, review_forms={tag.pk: form}, status=status)
