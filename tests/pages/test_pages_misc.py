"""Downloads, template overrides, labels on every control, the translation catalogue."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest

from procgen.i18n import translator
from procgen.service import User
from procgen.testing.wizard import HtmlPage, make_client
from tests.conftest import ROOT
from tests.pages.conftest import Pages, pages_only

PAGES_SOURCE = ROOT / "src" / "procgen" / "web" / "pages"


def test_an_officer_downloads_a_document_and_a_stranger_cannot(pages: Pages) -> None:
    filed = pages.submit("BQP-NVQS-03")
    [attachment] = pages.service.store.attachments(filed.dossier.id)
    url = f"/dossiers/{filed.dossier.id}/files/{attachment.id}"
    response = pages.client("reception").get(url)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response.headers["content-type"] == "application/pdf"
    assert "attachment;" in response.headers["content-disposition"]
    assert pages.client("citizen-2").get(url).status_code == 404
    page = pages.client("reception").get(f"/dossiers/{filed.dossier.id}")
    assert f'href="{url}"' in page.text


def test_a_deployment_overrides_a_paper_for_one_procedure(pages: Pages, tmp_path: Path) -> None:
    folder = tmp_path / "templates" / "BQP-NVQS-03" / "papers"
    folder.mkdir(parents=True)
    (folder / "form-01.html").write_text(
        '{% extends "papers/base.html" %}{% block body %}<p id="own">{{ paper.number }}'
        " – {{ paper.applicant.name }}</p>{% endblock %}",
        encoding="utf-8",
    )
    client = make_client(
        pages_only(pages.service, pages.sessions, templates_dir=tmp_path / "templates")
    )
    client.cookies.set("procgen_session", pages.sessions.sign("reception"))
    ours = pages.submit("BQP-NVQS-03")
    other = pages.submit("BQP-UAV-01")
    page = HtmlPage(client.get(f"/dossiers/{ours.dossier.id}/papers/01").text)
    assert page.by_id("own") is not None
    assert ours.dossier.number in page.by_id("own").text
    default = client.get(f"/dossiers/{other.dossier.id}/papers/01").text
    assert 'id="own"' not in default
    assert "Giấy tiếp nhận" in default
    client.close()


def _unlabelled(page: HtmlPage) -> list[str]:
    labelled = set(page.labels())
    missing = []
    for control in page.controls():
        in_fieldset = any(p.tag == "fieldset" for p in control.parents)
        if control.attrs.get("type") in ("radio", "checkbox") and in_fieldset:
            continue
        if control.attrs.get("id") not in labelled and "aria-label" not in control.attrs:
            missing.append(control.attrs.get("name", control.tag))
    return missing


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_control_has_a_label_and_every_table_header_a_scope(pages: Pages, lang: str) -> None:
    filed = pages.submit("BQP-TSQS-01")
    officer = User("commune_officer", frozenset({"commune_officer"}))
    pages.service.act(filed.dossier.id, "accept", officer)
    secretary = User("admissions_secretary", frozenset({"admissions_secretary"}))
    pages.service.act(filed.dossier.id, "schedule_health_check", secretary)
    urls = {
        "health_board": [f"/dossiers/{filed.dossier.id}", "/dossiers"],
        "citizen-1": [f"/dossiers/{filed.dossier.id}", "/dossiers", "/services", "/track"],
    }
    for user, paths in urls.items():
        client = pages.client(user)
        for path in paths:
            response = client.get(f"{path}?lang={lang}")
            assert response.status_code == 200, path
            page = HtmlPage(response.text)
            assert page.lang == lang
            assert page.h1
            assert _unlabelled(page) == [], path
            for th in page.find_all("th"):
                assert th.attrs.get("scope") in ("col", "row"), (path, th.clean_text)
    # the health check's own choice input is rendered by the wizard's widgets
    board = pages.client("health_board").get(f"/dossiers/{filed.dossier.id}")
    assert 'name="pass.health_grade"' in board.text
    assert 'name="upload:pass.result_document"' in board.text
    assert "hx-disable" in board.text


def _python_msgids() -> set[str]:
    found: set[str] = set()
    for path in PAGES_SOURCE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                first = node.args[0] if node.args else None
                if name in ("_", "gettext") and isinstance(first, ast.Constant):
                    found.add(str(first.value))
                if name == "PageProblem":
                    found |= {str(a.value) for a in node.args[1:3] if isinstance(a, ast.Constant)}
    return found


def test_every_message_of_the_pages_is_translated() -> None:
    from procgen.web.pages import actions, labels, papers

    tables = [labels._STATUS, labels._OUTCOME, labels._CHANNEL, labels._LIVE]
    messages = _python_msgids() | set(papers.PAPERS.values()) | set(actions._DENIALS.values())
    for table in [*tables, labels._TIMELINESS]:
        messages |= set(table.values())
    vi = translator("vi").messages
    missing = sorted(m for m in messages if m not in vi)
    assert not missing, f"add to locale/vi/LC_MESSAGES/ui.po: {missing}"
    for message in messages:
        placeholders = set(re.findall(r"\{(\w+)\}", message))
        assert set(re.findall(r"\{(\w+)\}", vi[message])) == placeholders, message
        assert vi[message] != message or message in ("Online",), message


@pytest.mark.skipif(
    "MUTANT_UNDER_TEST" in os.environ, reason="mutmut's instrumented copies are much longer"
)
def test_modules_stay_small() -> None:
    paths = list(PAGES_SOURCE.glob("*.py"))
    assert paths, PAGES_SOURCE
    for path in paths:
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 420, path.name
