"""Hostile and broken requests: cross-site posts are refused, garbage never gives a 500.

The test client raises any server error, so every request below would fail loudly on a 500.
"""

from __future__ import annotations

import datetime as dt

import pytest

from procgen import Registry
from procgen.testing.wizard import FormsHarness, HtmlPage, WizardDriver, harness
from procgen.web.apply import FormOptions
from tests.conftest import DEFINITIONS

REGISTRY = Registry.from_path(DEFINITIONS)
NOW = dt.datetime(2026, 4, 15, 2, 0, tzinfo=dt.UTC)
UAV = REGISTRY.get("BQP-UAV-01").spec


@pytest.fixture
def app() -> FormsHarness:
    return harness(REGISTRY, now=NOW, options=FormOptions(max_form_body=256 * 1024))


@pytest.fixture
def driver(app: FormsHarness) -> WizardDriver:
    driver = app.driver(UAV)
    driver.start()
    return driver


# ---------------------------------------------------------------------------- CSRF


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example"},
        {"origin": "null"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site", "origin": "http://testserver"},
    ],
)
def test_cross_site_posts_are_refused(app: FormsHarness, headers: dict[str, str]) -> None:
    token = HtmlPage(app.client.get("/BQP-UAV-01").text).csrf_token
    response = app.client.post(
        "/BQP-UAV-01/draft", data={"csrf_token": token}, headers=headers, follow_redirects=False
    )
    assert response.status_code == 403
    assert "Yêu cầu bị từ chối" in response.text
    assert len(app.drafts) == 0


@pytest.mark.parametrize("data", [{}, {"csrf_token": "x" * 43}])
def test_posts_without_a_matching_token_are_refused(
    app: FormsHarness, data: dict[str, str]
) -> None:
    app.client.get("/BQP-UAV-01")  # sets the token cookie
    response = app.client.post("/BQP-UAV-01/draft", data=data, follow_redirects=False)
    assert response.status_code == 403


@pytest.mark.parametrize(
    "headers",
    [{"sec-fetch-site": "same-origin"}, {"origin": "http://testserver"}],
)
def test_same_origin_posts_need_no_token(app: FormsHarness, headers: dict[str, str]) -> None:
    response = app.client.post("/BQP-UAV-01/draft", headers=headers, follow_redirects=False)
    assert response.status_code == 303


def test_trusted_origins() -> None:
    trusted = harness(
        REGISTRY, now=NOW, options=FormOptions(trusted_origins=("https://dvc.example",))
    )
    response = trusted.client.post(
        "/BQP-UAV-01/draft", headers={"origin": "https://dvc.example"}, follow_redirects=False
    )
    assert response.status_code == 303


def test_security_headers_and_cookies(app: FormsHarness) -> None:
    response = app.client.get("/BQP-UAV-01?lang=en")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "same-origin"
    cookies = response.headers.get_list("set-cookie")
    csrf = next(c for c in cookies if c.startswith("procgen_csrf="))
    assert "HttpOnly" in csrf
    assert "SameSite=strict" in csrf
    assert "Path=/" in csrf
    assert any(c.startswith("procgen_lang=en") for c in cookies)


# ---------------------------------------------------------------------------- garbage


def test_unknown_and_malformed_names_are_ignored(app: FormsHarness, driver: WizardDriver) -> None:
    garbage = [
        ("nonexistent", "x"),
        ("applicant..full_name", "x"),
        ("applicant.full_name.extra.deep", "x"),
        ("pilots.999999.full_name", "x"),
        ("pilots.-1.full_name", "x"),
        ("__proto__", "x"),
        ("rows:pilots", "99999"),
        ("rows:nothing", "3"),
        ("rows:applicant", "abc"),
        ("applicant.full_name", "Nguyễn Văn A"),
        ("remove:pilots.abc", "1"),
        ("add:applicant", "1"),
        ("remove-file:nothing.0", "1"),
    ]
    response = driver.post(garbage)
    assert response.status_code == 303
    page = driver.get(response.headers["location"])
    assert page.by_id("applicant.full_name").attrs["value"] == "Nguyễn Văn A"
    draft = app.draft(page.url)
    assert set(draft.values) <= {"applicant_type", "applicant.full_name"}


def test_a_huge_value_is_refused(driver: WizardDriver) -> None:
    response = driver.post([("applicant.full_name", "x" * (65 * 1024))])
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.text


def test_too_many_fields_are_refused(driver: WizardDriver) -> None:
    response = driver.post([(f"f{i}", "1") for i in range(2100)])
    assert response.status_code == 400


def test_a_body_larger_than_allowed_is_refused(driver: WizardDriver) -> None:
    big = [(f"applicant.full_name{i}", "x" * 60_000) for i in range(6)]
    response = driver.post(big)
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"--x\r\nnonsense"),
        ("multipart/form-data; boundary=abc", b"--abc\r\nContent-Disposition: form-data\r\n\r\nx"),
        ("multipart/form-data; boundary=abc", b"\x00\xff" * 100),
        ("application/x-www-form-urlencoded", b"a=%ff%fe&b=\xff\xfe&%zz=1&&&=&continue=1"),
        ("application/json", b'{"applicant.full_name": "x"}'),
        ("text/plain", b"\x00\x01\x02"),
    ],
)
def test_broken_bodies_never_fail_the_server(
    driver: WizardDriver, content_type: str, body: bytes
) -> None:
    assert driver.page is not None
    response = driver.client.post(
        driver.page.form_action(),
        content=body,
        headers={"content-type": content_type, "sec-fetch-site": "same-origin"},
        follow_redirects=False,
    )
    assert response.status_code in (303, 400)


def test_a_file_sent_to_a_page_of_questions_is_refused(driver: WizardDriver) -> None:
    response = driver.post(
        [], files=[("applicant.full_name", ("a.pdf", b"%PDF-1.4", "application/pdf"))]
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/BQP-UAV-01/draft/not-a-real-token-but-long-enough-1234567890",
        "/BQP-UAV-01/draft/short",
        "/BQP-UAV-01/draft/%2e%2e%2f%2e%2e",
        "/NOPE/draft/abcdefghijklmnopqrstuvwxyz0123456789abcdefg/applicant",
    ],
)
def test_unknown_drafts_are_not_found(app: FormsHarness, path: str) -> None:
    response = app.client.get(path)
    assert response.status_code == 404
    assert "Đường dẫn đã hết hạn" in response.text or "Không" in response.text


def test_unknown_pages_and_fields_are_not_found(app: FormsHarness, driver: WizardDriver) -> None:
    assert driver.page is not None
    base = driver.page.url.rsplit("/", 1)[0].removeprefix("http://testserver")
    assert app.client.get(f"{base}/no_such_page").status_code == 404
    token = driver.page.csrf_token
    for name in ("nope", "pilots.0", "pilots.0.nope", "applicant.nope", "x" * 500):
        response = app.client.post(f"{base}/fragment/{name}", data={"csrf_token": token})
        assert response.status_code == 404, name


def test_a_draft_of_another_procedure_is_not_found(app: FormsHarness, driver: WizardDriver) -> None:
    assert driver.page is not None
    url = driver.page.url.replace("BQP-UAV-01", "BQP-KN-01")
    assert app.client.get(url).status_code == 404
