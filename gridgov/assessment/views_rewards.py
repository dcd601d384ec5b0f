"""The rewards page (/assessment/rewards/): the valuable leads rewarded under a grid in a
period (一事一獎, plan 7), totals per person, and the form to reward one. Heads with
"assess" (404 out of scope, 403 without the right)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gridgov.core.errors import ServiceError, refuse_page

from . import queries, rewards
from .forms import RewardForm, SurveyResultsForm


def _people(grid: Any) -> list[tuple[str, str]]:
    """Whom a lead here may be rewarded to: the people holding a role under the grid."""
    from gridgov.accounts.models import Assignment, person_name
    from gridgov.core.lib.codes import subtree_range

    low, high = subtree_range(grid.code)
    seen: dict[int, str] = {}
    for pk, username, first, last in (
        Assignment.objects.active().filter(grid_code__gte=low, grid_code__lt=high)
        .values_list("user_id", "user__username", "user__first_name", "user__last_name")
    ):  # fmt: skip
        seen.setdefault(pk, person_name(username, first, last))
    people = sorted(((str(pk), name) for pk, name in seen.items()), key=lambda x: x[1])
    return [("", _("The case's reporter")), *people]


@require_http_methods(["GET", "POST"])
@login_required
def rewards_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "node": "", "start": today.replace(month=1, day=1).isoformat(), "end": today.isoformat()
    }  # fmt: skip
    values.update({k: v for k, v in request.GET.items() if k in values and v})
    form = SurveyResultsForm(values)
    if not form.is_valid():
        return render(request, "assessment/rewards.html", {"form": form}, status=400)
    d = form.cleaned_data
    node = d["node"] or queries.default_node(request.user)
    if not node:
        raise Http404
    try:
        grid = queries.node_for(request.user, node)
    except ServiceError as e:
        refuse_page(e)
        raise
    reward = RewardForm(request.POST or None, initial={"node": grid.code})
    reward.fields["person"].widget.choices = _people(grid)  # type: ignore[attr-defined]
    status = 200
    if request.method == "POST":
        status = 400
        if reward.is_valid():
            r = reward.cleaned_data
            try:
                rewards.reward_lead(
                    actor=request.user, number=r["case"], amount=r["amount"],
                    reason=r["reason"], person=r["person"],
                )  # fmt: skip
            except ServiceError as e:
                refuse_page(e, ())
                reward.add_error(e.field if e.field in reward.fields else None, str(e.message))
            else:
                messages.success(request, _("The lead is rewarded."))
                url = reverse("assessment:rewards")
                return redirect(f"{url}?node={grid.code}&start={d['start']}&end={d['end']}")
    found = rewards.under(grid, d["start"], d["end"])
    ctx = {
        "form": form, "grid": grid, "rewards": found, "totals": rewards.totals(found),
        "reward_form": reward, "sum": sum((r.amount for r in found), start=0),
    }  # fmt: skip
    return render(request, "assessment/rewards.html", ctx, status=status)
