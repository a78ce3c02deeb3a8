"""Small pieces of the form pages: answers as read back, widget lookup, origins, sizes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from starlette.requests import Request

from procgen.i18n import translator
from procgen.spec.models import Field
from procgen.web.apply.state import human_size
from procgen.web.apply.views import dom_id, format_answer
from procgen.web.security import FormOptions, csrf_ok, request_locale, same_origin
from procgen.web.templating import field_templates, template_names


def _field(**kwargs: Any) -> Field:
    return Field.model_validate({"id": "x", "label": {"vi": "X", "en": "X"}, **kwargs})


CHOICE = _field(
    type="choice",
    options=[{"value": "bank", "label": {"vi": "Chuyển khoản", "en": "Bank transfer"}}],
)


@pytest.mark.parametrize(
    ("field", "value", "locale", "lines"),
    [
        (_field(type="date"), "2026-06-25", "vi", ("25/06/2026",)),
        (_field(type="date"), "2026-06-25", "en", ("Jun 25, 2026",)),
        (_field(type="date"), dt.date(2026, 6, 25), "vi", ("25/06/2026",)),
        (_field(type="date"), "31/02/2026", "vi", ("31/02/2026",)),  # shown as typed
        (_field(type="datetime"), "2026-06-25T01:30:00+00:00", "vi", ("08:30 25/06/2026",)),
        (_field(type="money"), 1_500_000, "vi", ("1.500.000 ₫",)),
        (_field(type="money"), 1_500_000, "en", ("VND 1,500,000",)),
        (_field(type="decimal"), 2.5, "vi", ("2,5",)),
        (_field(type="decimal"), Decimal("2.5"), "en", ("2.5",)),
        (_field(type="integer"), 1200, "vi", ("1.200",)),
        (_field(type="boolean"), True, "vi", ("Có",)),
        (_field(type="boolean"), False, "en", ("No",)),
        (CHOICE, "bank", "vi", ("Chuyển khoản",)),
        (CHOICE, "bank", "en", ("Bank transfer",)),
        (
            _field(type="multichoice", options=CHOICE.options),
            ["bank", "??"],
            "en",
            ("Bank transfer", "??"),
        ),
        (
            _field(type="address"),
            {"province": "01", "commune": "00004", "street": "Số 1 Hoàng Diệu"},
            "vi",
            ("Số 1 Hoàng Diệu, Phường Ba Đình, Thành phố Hà Nội",),
        ),
        (_field(type="file"), {"id": "a", "name": "đơn.pdf", "size": 3}, "vi", ("đơn.pdf",)),
        (_field(type="text"), None, "vi", ("Không khai",)),
        (_field(type="text"), "", "en", ("Not provided",)),
        (_field(type="textarea"), "dòng 1\ndòng 2", "vi", ("dòng 1\ndòng 2",)),
    ],
)
def test_answers_read_back_in_the_users_language(
    field: Field, value: Any, locale: str, lines: tuple[str, ...]
) -> None:
    assert format_answer(field, value, locale, translator(locale).gettext) == lines


@pytest.mark.parametrize(
    ("size", "locale", "shown"),
    [(10_000_000, "vi", "10 MB"), (2_500_000, "vi", "2,5 MB"), (2_500_000, "en", "2.5 MB"),
     (1_000, "en", "1 KB"), (48, "vi", "48 B")],
)  # fmt: skip
def test_human_size(size: int, locale: str, shown: str) -> None:
    assert human_size(size, locale) == shown


def test_widgets_are_looked_up_by_type_then_macro() -> None:
    assert field_templates("citizen_id", "text_input", "BQP-UAV-01") == [
        "BQP-UAV-01/forms/fields/citizen_id.html",
        "forms/fields/citizen_id.html",
        "BQP-UAV-01/forms/fields/text_input.html",
        "forms/fields/text_input.html",
    ]
    assert field_templates("text", "text_input", None) == [
        "forms/fields/text.html",
        "forms/fields/text_input.html",
    ]
    assert template_names("forms/page.html", "X") == ["X/forms/page.html", "forms/page.html"]


def test_dom_ids_are_dotted_locations() -> None:
    assert dom_id(("pilots", 1, "full_name")) == "pilots.1.full_name"
    assert dom_id(()) == ""


def _request(headers: dict[str, str], *, cookies: str = "", query: str = "") -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    if cookies:
        raw.append((b"cookie", cookies.encode()))
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "headers": raw,
        "query_string": query.encode(),
    }
    return Request(scope)


@pytest.mark.parametrize(
    ("headers", "verdict"),
    [
        ({"sec-fetch-site": "same-origin"}, True),
        ({"sec-fetch-site": "none"}, True),
        ({"sec-fetch-site": "same-site"}, False),
        ({"sec-fetch-site": "cross-site", "origin": "http://dvc.example"}, False),
        ({"origin": "http://dvc.example", "host": "dvc.example"}, True),
        ({"origin": "https://dvc.example:8443", "host": "DVC.example:8443"}, True),
        ({"origin": "http://evil.example", "host": "dvc.example"}, False),
        ({"origin": "null", "host": "dvc.example"}, False),
        ({"host": "dvc.example"}, None),
    ],
)
def test_the_browser_says_where_a_post_comes_from(
    headers: dict[str, str], verdict: bool | None
) -> None:
    assert same_origin(_request(headers)) is verdict


def test_trusted_origins_are_accepted() -> None:
    request = _request({"origin": "https://portal.example", "host": "10.0.0.5:8000"})
    assert same_origin(
        request, FormOptions(trusted_origins=("https://portal.example",)).trusted_origins
    )


def test_the_token_must_match_the_cookie_when_the_browser_says_nothing() -> None:
    from starlette.datastructures import FormData

    token = "t" * 43
    request = _request({}, cookies=f"procgen_csrf={token}")
    assert csrf_ok(request, FormData([("csrf_token", token)]))
    assert not csrf_ok(request, FormData([("csrf_token", "u" * 43)]))
    assert not csrf_ok(_request({}), FormData([("csrf_token", "")]))


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "locale"),
    [
        ("lang=en", "", "", "en"),
        ("lang=fr", "procgen_lang=en", "", "en"),
        ("", "procgen_lang=vi", "en", "vi"),
        ("", "", "en-US,en;q=0.9", "en"),
        ("", "", "de", "vi"),
    ],
)
def test_the_language(query: str, cookie: str, accept: str, locale: str) -> None:
    headers = {"accept-language": accept} if accept else {}
    assert request_locale(_request(headers, cookies=cookie, query=query)) == locale
