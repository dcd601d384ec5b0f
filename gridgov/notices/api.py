"""/api/v1/notices: the caller's own in-app notices; mark one or all read.

A notice of another person is 404 (services.mark_read). Lists run three queries whatever
the page holds: the count, the unread count and the page.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router

from gridgov.core.schemas import ERRORS

from . import services
from .models import Notice
from .schemas import NoticeOut, NoticePage, NoticeQuery, ReadAllOut

router = Router(tags=["notices"])
# A notice id: bounded, so that a number past bigint is a 422, not a database error.
Id = Annotated[int, Path(ge=1, le=2**62)]


def _out(n: Notice) -> dict[str, Any]:
    return {
        "id": n.pk,
        "kind": n.kind,
        "subject": n.subject,
        "body": n.body,
        "link": n.link,
        "unread": n.is_unread,
        "created_at": n.created_at,
        "read_at": n.read_at,
    }


@router.get("", response={200: NoticePage, **ERRORS}, summary="My notices")
def list_notices(request: HttpRequest, query: Query[NoticeQuery]):  # type: ignore[type-arg]
    """The caller's in-app notices, newest first; `unread=true` for the unread ones only."""
    mine = Notice.objects.inbox(request.user)
    unread = mine.unread().count()
    qs = mine.unread() if query.unread else mine
    count = unread if query.unread else qs.count()
    page = qs[query.offset : query.offset + query.limit]
    return {"count": count, "unread": unread, "items": [_out(n) for n in page]}


@router.post("/read-all", response={200: ReadAllOut, **ERRORS}, summary="Mark all read")
def read_all(request: HttpRequest):
    return {"marked": services.mark_all_read(user=request.user)}


@router.post("/{notice_id}/read", response={200: NoticeOut, **ERRORS}, summary="Mark read")
def read(request: HttpRequest, notice_id: Id):
    """Mark one of the caller's notices read; another person's is 404."""
    return _out(services.mark_read(user=request.user, notice_id=notice_id))
