"""The wizard end to end, for every bundled procedure, as a browser without JavaScript uses it.

A valid application (``example_payload``) goes through every page to the confirmation; an empty
or wrong one comes back with errors anchored at each field's ``loc``, in Vietnamese and English.
"""

from __future__ import annotations

import datetime as dt
import html

import pytest

from procgen import Registry, forms
from procgen.spec.models import ProcedureSpec
from procgen.testing.wizard import FormsHarness, HtmlPage, harness, sample_documents
from procgen.web.apply import dom_id
from procgen.web.apply.encoding import encode_answers, initial_answers
from procgen.web.apply.wizard import resolve, wizard_pages
from tests.conftest import DEFINITIONS

REGISTRY = Registry.from_path(DEFINITIONS)
CODES = REGISTRY.codes()
# A Wednesday inside every bundled procedure's window (military school registration runs from
# 25/03 to 20/05); 09:00 in Hà Nội.
TODAY = dt.date(2026, 4, 15)
NOW = dt.datetime(2026, 4, 15, 2, 0, tzinfo=dt.UTC)
TITLES = {
    "vi": ("Kiểm tra thông tin trước khi gửi hồ sơ", "Đã gửi hồ sơ", "Lỗi:"),
    "en": ("Check your answers before sending your dossier", "Dossier sent", "Error:"),
}


@pytest.fixture
def app() -> FormsHarness:
    return harness(REGISTRY, now=NOW)


def _valid_example(spec: ProcedureSpec) -> dict[str, object]:
    """``example_payload``, or a skip when it is not valid (the forms layer's test says why)."""
    payload = forms.example_payload(spec, today=TODAY)
    result = forms.validate_payload(spec, payload, today=TODAY, now=NOW)
    if not result.ok:
        pytest.skip(f"example_payload({spec.code}) is invalid: {[e.loc for e in result.errors]}")
    return payload


@pytest.mark.parametrize("code", CODES)
def test_example_payload_is_valid(code: str) -> None:
    """The wizard tests need a valid application per procedure: procgen.forms gives one."""
    spec = REGISTRY.get(code).spec
    result = forms.validate_payload(
        spec, forms.example_payload(spec, today=TODAY), today=TODAY, now=NOW
    )
    assert result.ok, f"procgen.forms.example_payload gives an invalid {code}: {result.errors}"


def _documents(spec: ProcedureSpec) -> dict[str, tuple[str, bytes, str]]:
    return sample_documents(d for case in spec.effective_cases() for d in case.documents)


def _expected_errors(
    spec: ProcedureSpec, pairs: list[tuple[str, str]], only: frozenset[str], locale: str
) -> list[forms.FieldError]:
    data = forms.from_form(spec, pairs)
    result = forms.validate_payload(spec, data, locale=locale, today=TODAY, now=NOW, only=only)
    return [e for e in result.errors if e.loc and e.loc[0] in only]


@pytest.mark.parametrize("locale", ["vi", "en"])
@pytest.mark.parametrize("code", CODES)
def test_a_valid_application_goes_through_every_page(
    app: FormsHarness, code: str, locale: str
) -> None:
    spec = REGISTRY.get(code).spec
    payload = _valid_example(spec)
    driver = app.driver(spec)
    first = driver.start(lang=locale)
    assert first.lang == locale

    check = driver.fill(payload, documents=_documents(spec))

    check_title, sent_title, _ = TITLES[locale]
    assert check.h1 == check_title
    assert check.error_summary() == []
    expected = forms.validate_payload(spec, payload, today=TODAY, now=NOW)
    assert expected.ok, expected.errors
    # every page with something to show was answered once, in order
    slugs = [p.slug for p in wizard_pages(spec)]
    assert driver.visited == sorted(set(driver.visited), key=slugs.index)
    done = driver.send()
    assert done.h1 == sent_title
    [submission] = app.submissions.submissions
    assert submission.receipt.number in done.text()
    assert submission.locale == locale
    assert submission.cleaned_data == expected.cleaned
    for doc_id, files in submission.files.items():
        assert [f.content_type for f in files] == [_documents(spec)[doc_id][2]]


@pytest.mark.parametrize("locale", ["vi", "en"])
@pytest.mark.parametrize("code", CODES)
def test_an_empty_page_shows_each_error_at_its_field(
    app: FormsHarness, code: str, locale: str
) -> None:
    spec = REGISTRY.get(code).spec
    driver = app.driver(spec)
    first = driver.start(lang=locale)
    page = wizard_pages(spec)[0]

    response = driver.post([])

    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/{page.slug}")
    shown = driver.get(response.headers["location"])
    defaults = [(n, v) for n, items in initial_answers(spec).items() for v in items]
    expected = _expected_errors(spec, _initial_pairs(first, defaults), page.field_ids, locale)
    assert expected, "an empty first page must have errors"
    _assert_errors_shown(shown, expected, locale)


def _initial_pairs(page: HtmlPage, extra: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """What the page posts untouched: checked radios and boxes, hidden defaults, selects."""
    pairs = list(extra)
    for element in page.find_all("input"):
        name = element.attrs.get("name", "")
        kind = element.attrs.get("type")
        if not name or ":" in name or name == "csrf_token":
            continue
        if kind == "hidden" or (kind in ("radio", "checkbox") and "checked" in element.attrs):
            pairs.append((name, element.attrs.get("value", "")))
    return pairs


def _assert_errors_shown(page: HtmlPage, expected: list[forms.FieldError], locale: str) -> None:
    _, _, prefix = TITLES[locale]
    assert page.lang == locale
    assert page.title.startswith(prefix)
    summary = page.error_summary()
    summary_messages = [message for _, message in summary]
    inline = page.inline_errors()
    for error in expected:
        assert error.msg in summary_messages, (error, summary)
        href = next(h for h, m in summary if m == error.msg)
        # the link goes to the field at loc, or the nearest shown part of it
        assert href is not None
        target = href.removeprefix("#")
        assert dom_id(error.loc).startswith(target)
        assert page.by_id(target) is not None, target
        # the same message is shown next to the field, and the field points at it
        holder = next(k for k in inline if dom_id(error.loc).startswith(k))
        assert inline[holder] == html.unescape(error.msg)
        described = [
            e for e in page.elements if f"{holder}-error" in e.attrs.get("aria-describedby", "")
        ]
        assert described, f"nothing is described by {holder}-error"
    summary_box = next(e for e in page.elements if "data-pg-error-summary" in e.attrs)
    assert summary_box.attrs["role"] == "alert"
    assert summary_box.attrs["tabindex"] == "-1"
    assert "autofocus" in summary_box.attrs
    main = page.by_id("main-content")
    first_in_main = next(e for e in page.elements if main in e.parents)
    assert first_in_main is summary_box, "the error summary comes first in the main content"


WRONG = {
    "citizen_id": "12345",
    "phone": "12",
    "email": "not-an-email",
    "date": "31/02/2024",
    "integer": "mười",
    "decimal": "abc",
    "money": "-5",
    "tax_code": "0100233481",
}


@pytest.mark.parametrize("locale", ["vi", "en"])
@pytest.mark.parametrize("code", CODES)
def test_wrong_values_are_kept_as_typed_and_explained(
    app: FormsHarness, code: str, locale: str
) -> None:
    spec = REGISTRY.get(code).spec
    payload = forms.example_payload(spec, today=TODAY)
    values, rows = encode_answers(spec.fields, payload)
    driver = app.driver(spec)
    driver.start(lang=locale)
    page = wizard_pages(spec)[0]
    pairs, broken = [], {}
    for name, items in values.items():
        if name.split(".", 1)[0] not in page.field_ids:
            continue
        found = resolve(spec.fields, name)
        if found is not None and found[0].type in WRONG and name.count(".") == len(found[1]) - 1:
            broken[name] = WRONG[found[0].type]
            pairs.append((name, WRONG[found[0].type]))
        else:
            pairs.extend((name, v) for v in items)
    pairs += [
        (f"rows:{p}", str(n)) for p, n in rows.items() if p.split(".", 1)[0] in page.field_ids
    ]
    assert broken, f"{code}: nothing to break on the first page"

    response = driver.post(pairs)
    shown = driver.get(response.headers["location"])

    for name, typed in broken.items():
        control = shown.by_id(name)
        assert control is not None, name
        assert control.attrs.get("value") == typed, (name, control.attrs)
    expected = _expected_errors(spec, pairs, page.field_ids, locale)
    assert {dom_id(e.loc) for e in expected} >= set(broken)
    _assert_errors_shown(shown, expected, locale)


@pytest.mark.parametrize("code", CODES)
def test_check_page_formats_answers_and_links_back(app: FormsHarness, code: str) -> None:
    spec = REGISTRY.get(code).spec
    payload = _valid_example(spec)
    driver = app.driver(spec)
    driver.start(lang="en")
    check = driver.fill(payload, documents=_documents(spec))
    text = check.text()
    changes = [
        e.attrs["href"] for e in check.find_all("a") if "return=check#" in e.attrs.get("href", "")
    ]
    assert changes
    for href in changes:
        page = driver.get(href.split("#")[0])
        assert page.by_id(href.split("#")[1]) is not None or href.split("#")[1].startswith(
            "document-"
        )
    for path, f in spec.walk_fields():
        if f.type == "date" and len(path) == 1 and isinstance(payload.get(f.id), dt.date):
            assert payload[f.id].strftime("%b") in text  # English dates: "Apr 15, 2026"
