"""The inbox: a person's own in-app notices, newest first; mark one or all read.

Thin (STYLE "Views and API"): the queries are `Notice.objects.inbox(user)`, the changes
notices.services; another person's notice is 404, never 403 (nothing to learn from it).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from gridgov.core.errors import NotFound

from . import services
from .models import Notice

PER_PAGE = 50


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    notices = Notice.objects.inbox(request.user)
    if unread_only:
        notices = notices.unread()
    page = Paginator(notices, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notices/inbox.html", {"page": page, "unread_only": unread_only})


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notice read; with `open`, go on to its link (the link of the notice)."""
    try:
        notice = services.mark_read(user=request.user, notice_id=pk)
    except NotFound:
        raise Http404 from None
    if request.POST.get("open") and notice.link:
        return redirect(notice.link)
    return _back(request, "notices:inbox")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(user=request.user)
    return _back(request, "notices:inbox")
