"""Behind an HTTPS reverse proxy (docs/deploy.md): the forwarded scheme is trusted, cookies
are Secure, HSTS is sent, CSRF accepts the public origin, and every page carries a
Content-Security-Policy that its own markup keeps (no inline scripts or styles)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client, override_settings

from gridgov.conftest import log_in

pytestmark = pytest.mark.django_db

PUBLIC = "https://grid.example.gov.cn"
BEHIND_PROXY = override_settings(
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SECURE_SSL_REDIRECT=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    SECURE_HSTS_SECONDS=31_536_000,
    CSRF_TRUSTED_ORIGINS=[PUBLIC],
    ALLOWED_HOSTS=["grid.example.gov.cn", "gridgov.internal", "testserver"],
)
HTTPS = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "grid.example.gov.cn"}


@BEHIND_PROXY
def test_it_redirects_plain_http_and_trusts_the_forwarded_scheme(cast: Any) -> None:
    plain = Client().get("/login/", HTTP_HOST="grid.example.gov.cn")
    assert (plain.status_code, plain["Location"]) == (301, f"{PUBLIC}/login/")

    page = Client().get("/login/", **HTTPS)

    assert page.status_code == 200
    assert page.wsgi_request.is_secure()
    assert page["Strict-Transport-Security"] == "max-age=31536000"
    assert page.cookies["csrftoken"]["secure"] is True


@BEHIND_PROXY
def test_it_sets_a_secure_session_cookie_at_login(cast: Any) -> None:
    client = Client()
    client.get("/login/", **HTTPS)

    answer = client.post(
        "/login/", {"username": "worker_a1", "password": "pw"}, HTTP_ORIGIN=PUBLIC, **HTTPS
    )

    assert answer.status_code == 302
    assert answer.cookies["sessionid"]["secure"] is True
    assert answer.cookies["sessionid"]["httponly"] is True


@pytest.mark.parametrize(("trusted", "status"), [([PUBLIC], 302), ([], 403)])
def test_it_accepts_a_post_from_the_public_origin_only_when_trusted(
    cast: Any, trusted: list[str], status: int
) -> None:
    # The proxy passes its own upstream name as Host: only CSRF_TRUSTED_ORIGINS vouches for
    # the browser's origin.
    inside = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "gridgov.internal"}
    client = Client(enforce_csrf_checks=True)
    with BEHIND_PROXY, override_settings(CSRF_TRUSTED_ORIGINS=trusted):
        token = client.get("/login/", **inside).cookies["csrftoken"].value
        answer = client.post(
            "/i18n/setlang/",
            {"language": "en", "csrfmiddlewaretoken": token},
            HTTP_ORIGIN=PUBLIC,
            HTTP_REFERER=f"{PUBLIC}/login/",
            **inside,
        )
    assert answer.status_code == status


PAGES = [
    "/login/",
    "/grids/",
    "/grids/comprehensive/640402001001001/",
    "/grids/comprehensive/640402001001001/report/",
    "/registry/residents/",
    "/registry/households/",
    "/registry/households/new/",
    "/registry/imports/",
    "/api/v1/docs",
]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=", re.I)


@pytest.mark.parametrize("path", PAGES)
def test_it_sends_a_content_security_policy_its_pages_keep(cast: Any, path: str) -> None:
    client = Client() if path == "/login/" else log_in(Client(), cast.worker_a1)

    page = client.get(path, follow=True)

    assert page.status_code == 200
    policy = dict(d.partition(" ")[::2] for d in page["Content-Security-Policy"].split("; "))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    html = page.content.decode()
    assert INLINE_SCRIPT.findall(html) == []
    assert INLINE_STYLE.findall(html) == []
    assert page["Referrer-Policy"] == "same-origin"
    assert page["X-Content-Type-Options"] == "nosniff"
