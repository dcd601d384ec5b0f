"""Administrators set up an enterprise's scheme and rules in the admin; closed months are
read only there."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gridgov.conftest import log_in

pytestmark = pytest.mark.django_db


def test_it_edits_schemes_and_shows_closed_months_read_only(cast: Any, ent: Any) -> None:
    admin = log_in(Client(), cast.admin)
    assert admin.get("/admin/safety/scheme/").status_code == 200
    page = admin.get(f"/admin/safety/scheme/{ent.scheme.pk}/change/").content.decode()
    assert "未戴安全帽进入作业区" in page  # the rules inline
    assert admin.get("/admin/safety/monthclose/add/").status_code == 403
    assert log_in(Client(), cast.head_a).get("/admin/safety/scheme/").status_code == 302
