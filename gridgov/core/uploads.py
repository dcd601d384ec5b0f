"""Uploads are cut off past the largest file gridgov takes, instead of being received whole
into memory or a temporary file first (the import page checks the size only afterwards)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class SizeCap(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: counts the bytes of the request's files and stops
    storing them past GRIDGOV_MAX_UPLOAD_BYTES. The request then carries no file, and the
    page says the file is too large (`too_large`)."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > settings.GRIDGOV_MAX_UPLOAD_BYTES:
            raise StopUpload(connection_reset=False)  # read the rest, keep none of it
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) makes the file


def too_large(request: Any) -> bool:
    """Whether the request's body was larger than an upload may be."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > settings.GRIDGOV_MAX_UPLOAD_BYTES
    except ValueError:
        return False
