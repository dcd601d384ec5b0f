"""/api/v1/teams/boards: a grid's public notice board, and the caller's own public card.

The board is public as its page is (no credentials): it carries what the page shows and
nothing else (teams.boards). The card is the caller's own; photos are uploaded through the
page (the API takes JSON bodies only, core.api_bodies).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema
from pydantic import Field

from gridgov.core.errors import NotFound
from gridgov.core.inputs import InputSchema
from gridgov.core.schemas import ERRORS

from . import boards, profiles

router = Router(tags=["boards"])


class PersonOut(Schema):
    name: str
    role: str
    role_label: str
    photo_url: str | None = Field(description="Only when the person agreed to be on boards")
    phone: str
    duties: str


class SectionOut(Schema):
    role: str
    label: str
    people: list[PersonOut]


class BoardOut(Schema):
    code: str
    name: str
    parent_code: str | None
    parent_name: str | None
    url: str = Field(description="The public board page, as its QR code opens it")
    staff: list[SectionOut]
    party: list[SectionOut]


class ProfileOut(Schema):
    phone: str = Field(description="The public work phone, digits only; empty: none")
    duties: str
    on_boards: bool
    photo_url: str | None


class ProfileIn(InputSchema):
    """Fields left out are not changed."""

    phone: str | None = Field(None, max_length=30, description="Empty to publish none")
    duties: str | None = Field(None, max_length=300)
    # Strict: 0 and 1 are numbers, not an answer to "may we publish this".
    on_boards: bool | None = Field(None, strict=True)

    multiline_fields = frozenset({"duties"})


def _photo_url(photo_id: Any) -> str | None:
    return reverse("teams:photo", args=[photo_id]) if photo_id else None


def _section(s: boards.Section) -> dict[str, Any]:
    people = [{**vars(p), "photo_url": _photo_url(p.photo_id)} for p in s.people]
    return {"role": s.role, "label": s.label, "people": people}


@router.get(
    "/grids/{code}",
    auth=None,
    response={200: BoardOut, **ERRORS},
    summary="A grid's public notice board",
)
def board(request: HttpRequest, code: str) -> Any:
    grid = boards.public_grid(code)
    if grid is None:
        raise NotFound()
    b = boards.board_for(grid, request)
    return {
        "code": grid.code,
        "name": grid.name,
        "parent_code": b.parent.code if b.parent else None,
        "parent_name": b.parent.name if b.parent else None,
        "url": b.url,
        "staff": [_section(s) for s in b.staff],
        "party": [_section(s) for s in b.party],
    }


def _profile_out(person: Any) -> dict[str, Any]:
    p = profiles.profile_of(person)
    return {
        "phone": p.phone,
        "duties": p.duties,
        "on_boards": p.on_boards,
        "photo_url": _photo_url(p.public_id) if p.pk and p.photo else None,
    }


@router.get("/profile", response={200: ProfileOut, **ERRORS}, summary="My public card")
def my_profile(request: HttpRequest) -> Any:
    return _profile_out(request.user)


@router.patch("/profile", response={200: ProfileOut, **ERRORS}, summary="Change my public card")
def change_my_profile(request: HttpRequest, payload: ProfileIn) -> Any:
    changes = payload.dict(exclude_none=True)
    profiles.update_profile(actor=request.user, person=request.user, **changes)  # type: ignore[arg-type]
    return _profile_out(request.user)
