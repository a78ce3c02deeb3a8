"""Rendering: every page of every procedure, accessibility invariants, escaping, overrides, i18n."""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import jinja2
import pytest
from jinja2 import nodes
from starlette.applications import Starlette
from starlette.routing import Mount

from procgen import Registry, forms, loads
from procgen.i18n import translator
from procgen.testing.wizard import FormsHarness, HtmlPage, harness, make_client, run_sync
from procgen.web.apply import InMemoryDraftStore, InMemorySubmitHandler, form_routes, new_draft
from procgen.web.apply.encoding import encode_answers
from procgen.web.apply.wizard import wizard_pages
from tests.conftest import DEFINITIONS, ROOT

REGISTRY = Registry.from_path(DEFINITIONS)
CODES = REGISTRY.codes()
TODAY = dt.date(2026, 4, 15)
NOW = dt.datetime(2026, 4, 15, 2, 0, tzinfo=dt.UTC)
PACKAGE = ROOT / "src" / "procgen"


def _prefilled(app: FormsHarness, code: str) -> str:
    """A draft holding the procedure's example answers; returns its URL."""
    spec = REGISTRY.get(code).spec
    draft = new_draft(code, spec.version, ttl=dt.timedelta(days=1), now=NOW)
    draft.values, draft.rows = encode_answers(spec.fields, forms.example_payload(spec, today=TODAY))
    draft.attempted = {page.slug for page in wizard_pages(spec)}
    run_sync(app.drafts.save(draft))
    return f"/{code}/draft/{draft.token}"


def _assert_accessible(page: HtmlPage) -> None:
    ids = [e.attrs["id"] for e in page.elements if "id" in e.attrs]
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates, duplicates
    labels = page.labels()
    for control in page.controls():
        assert control.attrs.get("id") in labels, f"no <label for> for {control.attrs}"
        described = control.attrs.get("aria-describedby", "").split()
        for target in described:
            assert page.by_id(target) is not None, f"aria-describedby names missing {target}"
    for fieldset in page.find_all("fieldset"):
        legends = [e for e in page.elements if e.tag == "legend" and fieldset in e.parents]
        assert legends, f"fieldset without a legend: {fieldset.attrs}"
    assert len(page.find_all("h1")) == 1
    assert page.by_id("main-content") is not None


@pytest.mark.parametrize("locale", ["vi", "en"])
@pytest.mark.parametrize("code", CODES)
def test_every_page_renders_accessibly(code: str, locale: str) -> None:
    app = harness(REGISTRY, now=NOW)
    base = _prefilled(app, code)
    spec = REGISTRY.get(code).spec
    t = translator(locale).gettext
    for page in wizard_pages(spec):
        response = app.client.get(f"{base}/{page.slug}?lang={locale}", follow_redirects=False)
        assert response.status_code in (200, 303), page.slug
        if response.status_code == 303:  # nothing to show on this page for these answers
            continue
        html = HtmlPage(response.text)
        assert html.lang == locale
        _assert_accessible(html)
        for f in page.fields:
            if html.by_id(f"{f.id}-cond") is None:
                assert html.by_id(f.id) or html.by_id(f"{f.id}-field"), f.id
            label = f.label.get(locale)
            assert label in html.text() or f.when, label
        assert t("Save and continue") in html.text()
    check = HtmlPage(app.client.get(f"{base}/check-answers?lang={locale}").text)
    assert check.h1 == t("Check your answers before sending your dossier")
    _assert_accessible(check)


def test_start_and_index_pages() -> None:
    app = harness(REGISTRY, now=NOW)
    index = HtmlPage(app.client.get("/").text)
    procedures = [e for e in index.find_all("a") if e.parents and e.parents[-1].tag == "h2"]
    assert [a.attrs["href"] for a in procedures] == [f"/{code}" for code in CODES]
    start = HtmlPage(app.client.get("/BQP-UAV-01", headers={"accept-language": "en"}).text)
    assert start.lang == "en"
    assert "7 working days" in start.text()
    assert "Free" in start.text()
    assert app.client.get("/NO-SUCH-CODE").status_code == 404


def test_language_from_query_is_kept_across_pages() -> None:
    app = harness(REGISTRY, now=NOW)
    driver = app.driver(REGISTRY.get("BQP-NVQS-01").spec)
    first = driver.start(lang="en")
    assert first.lang == "en"
    assert "lang=en" not in first.url  # the choice lives in a cookie now
    again = driver.get(first.url)
    assert again.lang == "en"
    vi = driver.get(first.url + "?lang=vi")
    assert vi.lang == "vi"
    assert "Lưu và tiếp tục" in vi.text()
    links = {a.attrs.get("hreflang"): a for a in vi.find_all("a") if "hreflang" in a.attrs}
    assert set(links) == {"en"}  # the current language is not a link


@pytest.mark.parametrize(
    ("header", "lang"), [("en-GB,en;q=0.9", "en"), ("fr, vi;q=0.5", "vi"), ("", "vi")]
)
def test_accept_language(header: str, lang: str) -> None:
    app = harness(REGISTRY, now=NOW)
    page = HtmlPage(app.client.get("/", headers={"accept-language": header}).text)
    assert page.lang == lang


SCRIPT_SPEC = """
code: XSS-01
name: {vi: "Thủ tục <script>alert(1)</script>", en: "Procedure <script>alert(1)</script>"}
sector: test
level: commune
agency: {name: {vi: "Cơ quan <b>X</b>"}}
deadline: 3 working days
fields:
  - id: note
    type: text
    label: {vi: "Ghi chú <script>alert('label')</script>", en: "Note <img src=x onerror=alert(2)>"}
    help: {vi: "Gợi ý <i>nghiêng</i>"}
    required: true
  - id: kind
    type: choice
    label: {vi: Loại}
    options:
      - {value: "a\\"><script>", label: {vi: "<script>option</script>"}}
steps:
  - {id: review, role: applicant, actions: [{id: done, to: done}]}
  - {id: done, outcome: approved}
"""


def test_labels_and_values_are_escaped() -> None:
    spec = loads(SCRIPT_SPEC, "xss.yaml")
    app = harness(Registry([spec]), now=NOW)
    driver = app.driver(spec)
    first = driver.start()
    assert "<script>" not in first.source
    assert "&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;" in first.source
    response = driver.post([("note", '"><script>alert(3)</script>')])
    check = driver.get(response.headers["location"])
    assert "<script>" not in check.source
    assert "&#34;&gt;&lt;script&gt;alert(3)&lt;/script&gt;" in check.source
    again = driver.get(first.url)
    assert "<script>" not in again.source
    assert again.by_id("note").attrs["value"] == '"><script>alert(3)</script>'
    start = app.client.get("/XSS-01").text
    assert "<script>" not in start
    assert "<b>X</b>" not in start


def test_autoescape_is_on_for_every_template_name(tmp_path: Path) -> None:
    from procgen.web.apply import template_environment

    (tmp_path / "note.txt").write_text("{{ value }}", encoding="utf-8")
    (tmp_path / "feed.xml").write_text("<x>{{ value }}</x>", encoding="utf-8")
    env = template_environment(tmp_path)
    assert env.get_template("note.txt").render(value="<b>") == "&lt;b&gt;"
    assert env.get_template("feed.xml").render(value="<b>") == "<x>&lt;b&gt;</x>"


def test_templates_are_overridden_per_procedure_and_per_field_type(tmp_path: Path) -> None:
    (tmp_path / "forms" / "fields").mkdir(parents=True)
    (tmp_path / "forms" / "fields" / "citizen_id.html").write_text(
        '<div id="{{ f.id }}-field"><label for="{{ f.id }}">CCCD {{ f.label }}</label>'
        '<input id="{{ f.id }}" name="{{ f.name }}" value="{{ f.value }}" data-custom="yes"></div>',
        encoding="utf-8",
    )
    (tmp_path / "BQP-NVQS-01" / "forms").mkdir(parents=True)
    (tmp_path / "BQP-NVQS-01" / "forms" / "start.html").write_text(
        '{% extends "forms/base.html" %}{% block main %}<h1>{{ title }}</h1>'
        '<p id="custom">Mẫu riêng</p><form method="post" action="{{ start_url }}">'
        '<input type="hidden" name="csrf_token" value="{{ csrf_token }}"></form>{% endblock %}',
        encoding="utf-8",
    )
    app = harness(REGISTRY, now=NOW, templates_dir=tmp_path)
    own = HtmlPage(app.client.get("/BQP-NVQS-01").text)
    assert own.by_id("custom") is not None
    other = HtmlPage(app.client.get("/BQP-UAV-01").text)
    assert other.by_id("custom") is None
    first = app.driver(REGISTRY.get("BQP-NVQS-01").spec).start()
    assert first.by_id("citizen_id").attrs.get("data-custom") == "yes"


def test_works_mounted_under_a_prefix() -> None:
    store = InMemoryDraftStore()
    routes = form_routes(REGISTRY, drafts=store, on_submit=InMemorySubmitHandler())
    client = make_client(Starlette(routes=[Mount("/dich-vu", routes=routes)]))
    spec = REGISTRY.get("BQP-KN-01").spec
    from procgen.testing.wizard import WizardDriver

    driver = WizardDriver(client, spec, prefix="/dich-vu")
    first = driver.start()
    assert first.url.startswith("http://testserver/dich-vu/BQP-KN-01/draft/")
    hrefs = [e.attrs.get("href", "") for e in first.elements] + [first.form_action()]
    srcs = [e.attrs.get("src", "") for e in first.elements]
    for link in [h for h in hrefs + srcs if h.startswith("/")]:
        assert link.startswith("/dich-vu/"), link
    assert client.get("/dich-vu/_static/procgen.css").status_code == 200


def test_vendored_htmx_matches_its_recorded_checksum() -> None:
    static = PACKAGE / "static"
    record = json.loads((static / "VENDORED.json").read_text(encoding="utf-8"))["htmx.min.js"]
    assert record["package"] == "htmx.org"
    assert record["version"].startswith("2.")
    digest = hashlib.sha256((static / "htmx.min.js").read_bytes()).hexdigest()
    assert digest == record["sha256"]
    assert f'version:"{record["version"]}"' in (static / "htmx.min.js").read_text()


def test_pages_load_nothing_from_elsewhere() -> None:
    app = harness(REGISTRY, now=NOW)
    page = app.driver(REGISTRY.get("BQP-UAV-01").spec).start()
    for element in page.elements:
        for attr in ("src", "href", "action"):
            value = element.attrs.get(attr, "")
            assert not re.match(r"^(https?:)?//", value), value
    css = (PACKAGE / "static" / "procgen.css").read_text(encoding="utf-8")
    assert "@import" not in css
    assert "url(" not in css
    assert "@font-face" not in css
    for name in ("procgen.css", "procgen.js", "htmx.min.js"):
        assert app.client.get(f"/_static/{name}").status_code == 200


def _template_messages() -> set[str]:
    env = jinja2.Environment()
    found = set()
    for path in (PACKAGE / "templates").rglob("*.html"):
        for call in env.parse(path.read_text(encoding="utf-8")).find_all(nodes.Call):
            if isinstance(call.node, nodes.Name) and call.node.name == "_" and call.args:
                first = call.args[0]
                if isinstance(first, nodes.Const) and isinstance(first.value, str):
                    found.add(first.value)
    return found


def _python_messages() -> set[str]:
    """The msgids the web package's code passes to ``_``/``gettext`` and ``PageProblem``."""
    found: set[str] = set()
    paths = sorted((PACKAGE / "web").rglob("*.py"))
    assert len(paths) > 30, "the web package's modules"
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            strings = [a.value for a in node.args if isinstance(a, ast.Constant)]
            texts = [s for s in strings if isinstance(s, str)]
            if name in ("_", "gettext") and texts:
                found.add(texts[0])
            elif name == "PageProblem":
                found |= set(texts[:2])
    return found


def test_every_interface_message_is_translated() -> None:
    messages = _template_messages() | _python_messages()
    assert len(messages) > 50
    vi = translator("vi")
    missing = sorted(m for m in messages if m not in vi.messages)
    assert not missing, f"add to locale/vi/LC_MESSAGES/ui.po: {missing}"
    for message in messages:
        placeholders = set(re.findall(r"\{(\w+)\}", message))
        assert set(re.findall(r"\{(\w+)\}", vi.messages[message])) == placeholders, message


def test_the_embedding_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    import runpy

    runpy.run_path(str(ROOT / "examples" / "embed_forms.py"), run_name="__main__")
    assert "/dich-vu/BQP-NVQS-01/draft/" in capsys.readouterr().out
