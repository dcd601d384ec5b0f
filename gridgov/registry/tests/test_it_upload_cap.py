"""An upload past the cap is not kept (core.uploads.SizeCap) and the import page says the
file is too large; nothing is queued."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from gridgov.core.uploads import SizeCap
from gridgov.registry.models import ImportJob

from .test_import_pages import URL, good, upload

pytestmark = pytest.mark.django_db


def test_it_keeps_no_file_past_the_cap_and_says_it_is_too_large(cast: Any) -> None:
    client = Client()
    client.force_login(cast.worker_a1)
    data = good()
    with override_settings(GRIDGOV_MAX_UPLOAD_BYTES=len(data) // 2):
        r = client.post(URL, upload(data))
        assert r.status_code == 400  # as for any refused upload
        assert "文件超过 20 MB" in r.content.decode()
        assert r.wsgi_request.FILES == {}
    assert not ImportJob.objects.exists()
    # Under the cap the same file is taken.
    r = client.post(URL, upload(data))
    assert r.status_code == 302


def test_it_counts_every_chunk_of_the_request() -> None:
    cap = SizeCap()
    with override_settings(GRIDGOV_MAX_UPLOAD_BYTES=10):
        assert cap.receive_data_chunk(b"12345", 0) == b"12345"
        with pytest.raises(Exception) as e:
            cap.receive_data_chunk(b"123456", 5)
    assert type(e.value).__name__ == "StopUpload"
