"""The representatives' page (/moralbank/<code>/rules/): the meetings of the villagers'
representatives, the rule sets (drafts and adopted versions, with their items) and the
review group; the committee records a meeting, drafts rules, has them adopted and the group
elected."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gridgov.accounts.models import User
from gridgov.core.errors import ServiceError, refuse_page
from gridgov.core.scope import in_scope

from .forms import AdoptForm, GroupForm, MeetingForm, RulesForm
from .services import village as svc
from .services.common import MANAGE, invalid
from .views import _errors, _village


@require_http_methods(["GET", "POST"])
@login_required
def rules(request: HttpRequest, code: str) -> HttpResponse:
    v = _village(request, code)
    meetings = list(v.meetings.all())
    drafts = list(v.rule_sets.filter(adopted_by__isnull=True))
    forms = {
        "meeting": MeetingForm(prefix="m", initial={"held_on": timezone.localdate()}),
        "rules": RulesForm(prefix="r"),
        "adopt": AdoptForm(prefix="a", drafts=drafts, meetings=meetings),
        "group": GroupForm(prefix="g", meetings=meetings),
    }
    if request.method == "POST":
        which = request.POST.get("form", "")
        if which in forms:
            _post(request, v, which, meetings, drafts)
        return redirect("moralbank:rules", v.grid_code)
    group = svc.group_in_office(v, timezone.localdate())
    ctx = {
        "village": v, "meetings": meetings, "forms": forms,
        "rule_sets": v.rule_sets.prefetch_related("items").select_related("adopted_by"),
        "group": group, "members": list(group.members.order_by("username")) if group else [],
        "committee": in_scope(request.user, v.grid_code, MANAGE),
    }  # fmt: skip
    return render(request, "moralbank/rules.html", ctx)


def _post(request: HttpRequest, v: Any, which: str, meetings: list[Any], drafts: list[Any]) -> None:
    kinds: dict[str, Any] = {
        "meeting": MeetingForm(request.POST, prefix="m"),
        "rules": RulesForm(request.POST, prefix="r"),
        "adopt": AdoptForm(request.POST, prefix="a", drafts=drafts, meetings=meetings),
        "group": GroupForm(request.POST, prefix="g", meetings=meetings),
    }
    form = kinds[which]
    if not form.is_valid():
        messages.error(request, _errors(form))
        return
    d = form.cleaned_data
    try:
        if which == "meeting":
            svc.record_meeting(actor=request.user, village=v, **d)
        elif which == "rules":
            svc.draft_rules(actor=request.user, village=v, title=d["title"], items=d["items"])
        elif which == "adopt":
            meeting = next(m for m in meetings if str(m.public_id) == d["meeting"])
            draft = next(r for r in drafts if str(r.public_id) == d["rule_set"])
            svc.adopt_rules(
                actor=request.user, rule_set=draft, meeting=meeting,
                published_on=d["published_on"], applies_from=d["applies_from"],
            )  # fmt: skip
        else:
            meeting = next(m for m in meetings if str(m.public_id) == d["meeting"])
            names = list(dict.fromkeys(n.strip() for n in d["members"].splitlines() if n.strip()))
            people = list(User.objects.filter(username__in=names, is_active=True))
            if len(people) != len(names):
                missing = sorted(set(names) - {p.username for p in people})
                raise invalid(
                    "members", _("No such person: %(names)s.") % {"names": ", ".join(missing)}
                )
            svc.elect_group(actor=request.user, village=v, meeting=meeting,
                            starts_on=d["starts_on"], members=people)  # fmt: skip
    except ServiceError as e:
        refuse_page(e, (None,))
        messages.error(request, str(e.message))
    else:
        messages.success(request, _("Saved."))
