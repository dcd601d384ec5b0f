"""The committed OpenAPI document is what the API serves (STYLE: fail when it drifts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

SPEC = Path(__file__).resolve().parents[3] / "docs" / "api" / "openapi.json"


@pytest.mark.django_db
def test_it_serves_the_committed_openapi_document() -> None:
    served = Client().get("/api/v1/openapi.json").json()
    committed = json.loads(SPEC.read_text(encoding="utf-8"))
    assert served == committed, (
        "the API changed: regenerate with "
        "`gridgov export_openapi > docs/api/openapi.json` and review the diff"
    )


@pytest.mark.django_db
def test_it_documents_every_error_status_of_the_grid_endpoints() -> None:
    spec = Client().get("/api/v1/openapi.json").json()
    create = spec["paths"]["/api/v1/grids"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "409", "422"} <= set(create)
