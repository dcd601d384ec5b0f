from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from gridgov.core.inputs import InputSchema


class NoticeQuery(InputSchema):
    unread: bool = Field(False, description="Only notices not yet read")
    limit: int = Field(50, ge=1, le=200, description="Rows per page")
    offset: int = Field(0, ge=0, le=1_000_000, description="Rows to skip")


class NoticeOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    link: str = Field(description="A path on this site, or empty")
    unread: bool
    created_at: dt.datetime
    read_at: dt.datetime | None


class NoticePage(Schema):
    count: int = Field(description="Notices matching the filter")
    unread: int = Field(description="Unread notices in all")
    items: list[NoticeOut]


class ReadAllOut(Schema):
    marked: int = Field(description="Notices marked read by this call")
