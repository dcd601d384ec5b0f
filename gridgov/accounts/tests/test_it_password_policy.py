"""Passwords: long enough, several kinds of character, not like the username, not digits only,
not common; changed on the person's own page."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from gridgov.accounts.validators import character_classes
from gridgov.conftest import log_in

pytestmark = pytest.mark.django_db
URL = "/account/password/"


def codes(password: str, user: Any = None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as e:
        return {err.code for err in e.error_list}
    return set()


def test_it_refuses_weak_passwords_each_for_its_reason(cast: Any) -> None:
    assert codes("Ab1!") == {"password_too_short"}
    assert codes("abcdefghijklmn") == {"password_too_plain"}
    assert "password_entirely_numeric" in codes("482019374650182")
    assert "password_too_common" in codes("Password1234")
    assert "password_too_similar" in codes("Worker_a1-2026", cast.worker_a1)
    assert codes("Qing-Shan 7 lu") == set()


@given(st.text(min_size=0, max_size=30))
def test_it_counts_kinds_of_character_between_none_and_four(text: str) -> None:
    n = character_classes(text)
    assert 0 <= n <= 4
    assert n == 0 or text


def test_it_changes_the_password_on_the_own_page_and_keeps_the_session(cast: Any) -> None:
    client = log_in(Client(), cast.worker_b1)
    weak = client.post(URL, {"old_password": "pw", "new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200
    assert weak.context["form"].errors["new_password2"]
    cast.worker_b1.refresh_from_db()
    assert cast.worker_b1.check_password("pw")
    r = client.post(
        URL,
        {
            "old_password": "pw",
            "new_password1": "Qing-Shan 7 lu",
            "new_password2": "Qing-Shan 7 lu",
        },
    )
    assert r["Location"] == "/account/"
    cast.worker_b1.refresh_from_db()
    assert cast.worker_b1.check_password("Qing-Shan 7 lu")
    assert client.get("/account/").status_code == 200
