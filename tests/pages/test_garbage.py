"""No input makes a page answer 500: garbage in paths, query strings, forms and files."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procgen.service import User
from tests.pages.conftest import Pages

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "99999999999999999999",
    "1e9",
    "null",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "\u202e\u0000",
    "Đ" * 300,
    "a" * 5000,
    "😀",
    "01a2256b-0000-7000-8000-000000000000",
]


def _paths(dossier: str, number: str) -> list[str]:
    paths = []
    for junk in NASTY:
        q = quote(junk, safe="")
        paths += [
            f"/services?q={q}&sector={q}&lang={q}",
            f"/dossiers?procedure={q}&step={q}&role={q}&status={q}&page={q}",
            f"/dossiers/{q}",
            f"/dossiers/{dossier}/papers/{q}",
            f"/dossiers/{dossier}/papers/02?event={q}&format={q}",
            f"/dossiers/{dossier}/files/{q}",
            f"/dossiers/{q}/actions/{q}",
            f"/track/{q}?secret={q}",
            f"/track/{number}/papers/{q}?secret={q}",
            f"/sign-in?next={q}",
        ]
    return paths


def test_garbage_in_urls_is_never_a_500(pages: Pages) -> None:
    filed = pages.submit("BQP-UAV-01")
    client = pages.client("reception", raise_errors=False)
    for path in _paths(str(filed.dossier.id), filed.dossier.number):
        response = client.get(path)
        assert response.status_code < 500, (path, response.status_code)


def test_garbage_in_posts_is_never_a_500(pages: Pages) -> None:
    filed = pages.submit("BQP-UAV-01")
    client = pages.client("reception", raise_errors=False)
    client.get("/services")
    token = client.cookies.get("procgen_csrf", "")
    base = f"/dossiers/{filed.dossier.id}/actions"
    posts = []
    for junk in NASTY:
        posts += [
            (f"{base}/accept", {"csrf_token": token, "version": junk}),
            (f"{base}/reject", {"csrf_token": token, "version": "1", "reject.reason": junk}),
            (f"{base}/request_supplement", {"csrf_token": token, "request_supplement.x": junk}),
            ("/track", {"csrf_token": token, "number": junk, "secret": junk}),
            ("/sign-in", {"csrf_token": token, "username": junk, "password": junk, "next": junk}),
        ]
    for url, data in posts:
        response = client.post(url, data=data)
        assert response.status_code < 500, (url, data, response.status_code)
    # bodies that are not forms at all, and files where none are expected
    for body, kind in (
        (b"\x00\xff" * 100, "multipart/form-data; boundary=x"),
        (b"--x\r\nContent-Disposition: form-data\r\n\r\n", "multipart/form-data; boundary=x"),
        (b"%%%&&&===", "application/x-www-form-urlencoded"),
        (b'{"version": 1}', "application/json"),
    ):
        response = client.post(
            f"{base}/accept",
            content=body,
            headers={"content-type": kind, "sec-fetch-site": "same-origin"},
        )
        assert response.status_code < 500, (body, response.status_code)
    files = {"upload:accept.x": ("x.exe", b"MZ" * 10, "application/octet-stream")}
    response = client.post(f"{base}/accept", data={"csrf_token": token}, files=files)
    assert response.status_code < 500
    fresh = pages.submit("BQP-UAV-01")
    huge = client.post(
        f"/dossiers/{fresh.dossier.id}/actions/reject",
        content=b"a" * 1024,
        headers={
            "content-length": str(10**12),
            "sec-fetch-site": "same-origin",
            "content-type": "application/x-www-form-urlencoded",
        },
    )
    assert huge.status_code == 413


def test_garbage_action_inputs_come_back_as_field_errors(pages: Pages) -> None:
    filed = pages.submit("BQP-NVQS-03")
    reception = User("reception", frozenset({"reception"}))
    pages.clock.advance(dt.timedelta(minutes=5))
    client = pages.client("reception")
    url = f"/dossiers/{filed.dossier.id}/actions/apologise"
    response = pages.post(
        client,
        url,
        {"version": "1", "apologise.reason": "Lý do", "apologise.new_appointment": "31/02/2025"},
    )
    assert response.status_code == 422
    errors = pages.page(response).inline_errors()
    assert "apologise.new_appointment" in errors
    assert 'value="31/02/2025"' in response.text  # what was typed is kept
    earlier = pages.post(
        client,
        url,
        {"version": "1", "apologise.reason": "Lý do", "apologise.new_appointment": "2025-04-10"},
    )
    assert earlier.status_code == 422
    assert pages.service.store.get(filed.dossier.id).version == 1
    _ = reception


@settings(
    max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    query=st.dictionaries(
        st.sampled_from(
            [
                "q",
                "sector",
                "procedure",
                "step",
                "role",
                "status",
                "page",
                "lang",
                "event",
                "secret",
            ]
        ),
        st.text(max_size=60),
        max_size=5,
    ),
    path=st.sampled_from(["/services", "/dossiers", "/track", "/track/X", "/sign-in"]),
)
def test_any_query_string_is_answered(pages: Pages, query: dict[str, str], path: str) -> None:
    client = pages.client("reception", raise_errors=False)
    response = client.get(path, params=query)
    assert response.status_code < 500


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_problem_pages_are_in_the_readers_language(pages: Pages, lang: str) -> None:
    response = pages.client("reception").get(f"/dossiers/not-a-uuid?lang={lang}")
    assert response.status_code == 404
    title = "Không tìm thấy trang" if lang == "vi" else "Page not found"
    assert title in response.text
