"""Schemathesis over the whole OpenAPI document: no server errors, every response as
documented (status code, content type, body schema), invalid requests refused.

A bounded number of examples per operation, derandomized: the same cases on every run, so
that CI is stable; a failure found once is found again. Authenticated as the superuser (the
widest scope reaches the most code); the calls go to the WSGI app in-process, on the cast.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from gridgov.wsgi import application

pytestmark = pytest.mark.django_db

# Examples per operation: the ~40 operations × this many requests keep the module under a
# minute on two cores. Cut this, not operations, when the document grows.
EXAMPLES = 12

# A request valid by the document may still break a rule the document cannot say (the grid
# code exists, the point lies inside the grid, the name is free): refused as documented,
# with 403/404/409/422, never with 400, 401 or a server error.
CONFIG = schemathesis.Config.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2XX", 403, 404, 409, 422]}}}
)

# Loaded at collection: the document is built from the code, without the database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)


@pytest.fixture(autouse=True)
def _keep_the_connection() -> Iterator[None]:
    """As Django's test client does: a WSGI request's end closes the database connection
    (request_finished), which on PostgreSQL would end the test's transaction and the cast."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_it_answers_every_operation_as_documented(case: Any, cast: Any) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {cast.tokens['admin']}"})
