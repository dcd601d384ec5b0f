"""The inbox page, the header count and /api/v1/notices: anonymous / another person's
notice / one's own."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from gridgov.conftest import log_in
from gridgov.notices import services
from gridgov.notices.choices import State
from gridgov.notices.models import Notice

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _notify(user: Any, key: str, link: str = "/cases/42/") -> Notice:
    services.notify(
        recipients=[user], kind="case.overdue", subject=f"Case {key}", body="Overdue.",
        link=link, key=key, channels=["inapp"],
    )  # fmt: skip
    return Notice.objects.get(recipient=user, key=key)


@pytest.fixture
def mine(cast: Any) -> list[Notice]:
    """Two notices of worker_a1 (the second newer), one of head_a."""
    notices = [_notify(cast.worker_a1, "k1"), _notify(cast.worker_a1, "k2")]
    _notify(cast.head_a, "k3")
    return notices


# ---------------------------------------------------------------- pages


def test_it_sends_anonymous_visitors_to_the_login(mine: Any) -> None:
    client = Client()
    assert client.get("/notices/").status_code == 302
    assert client.post(f"/notices/{mine[0].pk}/read/").status_code == 302
    assert client.post("/notices/read-all/").status_code == 302
    assert Notice.objects.filter(state=State.READ).count() == 0


def test_it_lists_own_notices_newest_first_with_the_count_in_the_header(
    cast: Any, mine: Any, django_assert_num_queries: Any
) -> None:
    client = log_in(Client(), cast.worker_a1)
    with django_assert_num_queries(5):
        # 1 session, 2 user, 3 the count of the page, 4 the page, 5 the header's count.
        page = client.get("/notices/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("Case k2") < html.index("Case k1")
    assert "Case k3" not in html  # head_a's
    assert re.search(r'<span class="badge"[^>]*>2</span>', html)


def test_it_refuses_to_mark_another_persons_notice(cast: Any, mine: Any) -> None:
    theirs = Notice.objects.get(recipient=cast.head_a)
    client = log_in(Client(), cast.worker_a1)
    assert client.post(f"/notices/{theirs.pk}/read/").status_code == 404
    assert Notice.objects.get(pk=theirs.pk).state == State.SENT


def test_it_marks_one_read_and_opens_its_link(cast: Any, mine: Any) -> None:
    client = log_in(Client(), cast.worker_a1)
    answer = client.post(f"/notices/{mine[0].pk}/read/", {"open": "1"})
    assert (answer.status_code, answer["Location"]) == (302, "/cases/42/")
    row = Notice.objects.get(pk=mine[0].pk)
    assert row.state == State.READ and row.read_at is not None
    # marking it again changes nothing
    client.post(f"/notices/{mine[0].pk}/read/")
    assert Notice.objects.get(pk=mine[0].pk).read_at == row.read_at
    assert re.search(r'<span class="badge"[^>]*>1</span>', client.get("/notices/").content.decode())


def test_it_marks_all_read_and_only_ones_own(cast: Any, mine: Any) -> None:
    client = log_in(Client(), cast.worker_a1)
    answer = client.post("/notices/read-all/", {"next": "https://evil.example/"})
    assert (answer.status_code, answer["Location"]) == (302, "/notices/")
    assert Notice.objects.filter(recipient=cast.worker_a1, state=State.READ).count() == 2
    assert Notice.objects.get(recipient=cast.head_a).state == State.SENT
    assert 'class="badge"' not in client.get("/notices/").content.decode()


def test_it_shows_no_count_to_anonymous_visitors(mine: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        page = Client().get("/login/")
    assert 'class="badge"' not in page.content.decode()


# ---------------------------------------------------------------- API


def _api(cast: Any, who: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {cast.tokens[who]}"}


def test_it_answers_401_without_credentials(mine: Any) -> None:
    client = Client()
    assert client.get("/api/v1/notices").status_code == 401
    assert client.post(f"/api/v1/notices/{mine[0].pk}/read", content_type=JSON).status_code == 401
    assert client.post("/api/v1/notices/read-all", content_type=JSON).status_code == 401
    assert Notice.objects.filter(state=State.READ).count() == 0


def test_it_lists_own_notices_in_the_api(
    cast: Any, mine: Any, django_assert_num_queries: Any
) -> None:
    client = Client()
    with django_assert_num_queries(5):
        # 1 the token, 2 its last use, 3 the unread count, 4 the count, 5 the page.
        answer = client.get("/api/v1/notices?limit=1", **_api(cast, "worker_a1"))
    body = answer.json()
    assert (body["count"], body["unread"]) == (2, 2)
    assert [n["subject"] for n in body["items"]] == ["Case k2"]
    assert body["items"][0]["unread"] is True and body["items"][0]["link"] == "/cases/42/"
    services.mark_read(user=cast.worker_a1, notice_id=mine[1].pk)
    body = client.get("/api/v1/notices?unread=true", **_api(cast, "worker_a1")).json()
    assert (body["count"], body["unread"]) == (1, 1)
    assert [n["subject"] for n in body["items"]] == ["Case k1"]


def test_it_marks_read_in_the_api_only_ones_own(cast: Any, mine: Any) -> None:
    client = Client()
    theirs = Notice.objects.get(recipient=cast.head_a)
    refused = client.post(
        f"/api/v1/notices/{theirs.pk}/read", content_type=JSON, **_api(cast, "worker_a1")
    )
    assert (refused.status_code, refused.json()["code"]) == (404, "not_found")
    assert Notice.objects.get(pk=theirs.pk).state == State.SENT
    done = client.post(
        f"/api/v1/notices/{mine[0].pk}/read", content_type=JSON, **_api(cast, "worker_a1")
    )
    assert done.status_code == 200 and done.json()["unread"] is False
    marked = client.post("/api/v1/notices/read-all", content_type=JSON, **_api(cast, "worker_a1"))
    assert marked.json() == {"marked": 1}
    assert Notice.objects.get(pk=theirs.pk).state == State.SENT


def test_it_refuses_a_bad_filter_with_422(cast: Any, mine: Any) -> None:
    answer = Client().get("/api/v1/notices?limit=0", **_api(cast, "worker_a1"))
    assert (answer.status_code, answer.json()["field"]) == (422, "limit")
