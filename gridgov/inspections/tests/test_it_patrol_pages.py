"""The patrol on the phone (/m/patrol/): plain forms to start, mark a point (the location
that patrol.js fills in) and end; anonymous / no right / a point outside the grids."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gridgov.conftest import log_in
from gridgov.inspections.models import Patrol, PatrolPoint
from gridgov.inspections.services import distance_m

pytestmark = pytest.mark.django_db
IN_A1 = (106.05, 36.2)
IN_A1_NORTH = (106.05, 36.21)
IN_B1 = (106.3, 36.2)


def test_it_refuses_anonymous_people_and_those_who_patrol_nowhere(cast: Any) -> None:
    for path in ("", "start/", "point/", "end/"):
        r = Client().post(f"/m/patrol/{path}") if path else Client().get("/m/patrol/")
        assert r["Location"].startswith("/login/")
    nobody = log_in(Client(), cast.nobody)
    assert nobody.get("/m/patrol/").status_code == 403
    assert nobody.post("/m/patrol/start/", {"grid": cast.a1.code}).status_code == 403
    # Someone else's grid is not among one's own.
    worker = log_in(Client(), cast.worker_a1)
    assert worker.post("/m/patrol/start/", {"grid": cast.b1.code}).status_code == 302
    assert Patrol.objects.count() == 0


def test_it_starts_marks_points_and_ends(cast: Any) -> None:
    client = log_in(Client(), cast.worker_a1)
    page = client.get("/m/patrol/")
    assert page.status_code == 200 and page.context["running"] is None
    assert client.post("/m/patrol/start/", {"grid": cast.a1.code})["Location"] == "/m/patrol/"
    patrol = Patrol.objects.get()
    assert (patrol.worker, patrol.grid, patrol.ended_at) == (cast.worker_a1, cast.a1, None)
    # A second start while on patrol is told, not made.
    client.post("/m/patrol/start/", {"grid": cast.a1.code})
    assert Patrol.objects.count() == 1
    for lon, lat in (IN_A1, IN_A1_NORTH, IN_B1):
        client.post("/m/patrol/point/", {"lon": lon, "lat": lat, "accuracy": "12"})
    # No location (the device refused it): nothing marked.
    client.post("/m/patrol/point/", {"lon": "", "lat": ""})
    assert list(PatrolPoint.objects.values_list("inside", flat=True)) == [True, True, False]
    page = client.get("/m/patrol/")
    assert [p["inside"] for p in page.context["points"]] == [True, True, False]
    assert 'id="patrol-points"' in page.content.decode()
    assert client.post("/m/patrol/end/")["Location"] == "/m/patrol/"
    patrol.refresh_from_db()
    assert patrol.ended_at is not None and patrol.points_count == 3 and patrol.outside_count == 1
    # About 1.1 km north, then about 22.4 km east (the point outside counts too).
    legs = distance_m(IN_A1, IN_A1_NORTH) + distance_m(IN_A1_NORTH, IN_B1)
    assert patrol.length_m == pytest.approx(legs) and 23_000 < legs < 24_000
    # Ended: no more points, and it is among the recent ones.
    client.post("/m/patrol/point/", {"lon": IN_A1[0], "lat": IN_A1[1]})
    assert PatrolPoint.objects.count() == 3
    page = client.get("/m/patrol/")
    assert page.context["running"] is None and page.context["recent"][0]["p"] == patrol
