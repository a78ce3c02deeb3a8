"""``procgen.create_app``: the schema check, the assembled routes, the form pages filing real
dossiers, OpenAPI, and embedding under a prefix."""

from __future__ import annotations

import datetime as dt
import runpy
from pathlib import Path

import pytest
from openapi_spec_validator import validate
from starlette.applications import Starlette
from starlette.routing import Mount

import procgen
from procgen.forms import example_payload, payload_schema
from procgen.store import SchemaOutOfDate
from procgen.testing.wizard import WizardDriver, make_client, run_sync, sample_documents
from procgen.web.apply import DraftConflict, new_draft
from procgen.web.apply.filing import SqlDraftStore
from tests.conftest import ROOT
from tests.web.support import CITIZEN, NOW, PASSWORD, SQLITE, Harness, registry


def test_refuses_an_out_of_date_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    with pytest.raises(SchemaOutOfDate, match="procgen db upgrade"):
        procgen.create_app(registry(), database_url=url)
    app = procgen.create_app(registry(), database_url=url, create_schema=True)
    client = make_client(app)
    assert client.get("/health").json() == {
        "status": "ok",
        "version": procgen.__version__,
        "procedures": 6,
    }
    home = client.get("/", follow_redirects=False)
    assert (home.status_code, home.headers["location"]) == (303, "/dich-vu/")
    assert client.get("/static/procgen.css").status_code == 200
    assert (tmp_path / "attachments").is_dir()  # next to the SQLite file


@SQLITE
def test_openapi_is_valid_and_has_every_payload_schema(harness: Harness) -> None:
    document = harness.client.get("/api/openapi.json").json()
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "/api"}]
    schemas = document["components"]["schemas"]
    for spec in registry().specs(latest=True):
        expected = payload_schema(spec)
        expected.pop("$schema")
        assert schemas[f"{spec.code}.v{spec.version}"] == expected
        post = document["paths"][f"/procedures/{spec.code}/dossiers"]["post"]
        body = post["requestBody"]["content"]["application/json"]["schema"]
        assert body["properties"]["data"] == {"$ref": f"#/components/schemas/{spec.code}.v1"}
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert len({op["operationId"] for op in operations}) == len(operations)


@SQLITE
@pytest.mark.parametrize("code", registry().codes())
def test_the_form_pages_file_real_dossiers(harness: Harness, code: str) -> None:
    spec = registry().get(code).spec
    client = harness.client
    signed = client.post("/auth/login", json={"username": CITIZEN, "password": PASSWORD})
    assert signed.status_code == 200
    driver = WizardDriver(client, spec, prefix="/dich-vu")
    driver.start()
    documents = {d.id: d for c in spec.effective_cases() for d in c.documents}
    driver.fill(
        example_payload(spec, today=NOW.date()), documents=sample_documents(documents.values())
    )
    page = driver.send()
    number = page.find_all(class_="pg-panel__number")[0].clean_text
    mine = harness.api(CITIZEN).get("/dossiers").json()["items"]
    assert [d["number"] for d in mine] == [number]  # filed for the signed-in citizen
    dossier = harness.api(CITIZEN).get(f"/dossiers/{mine[0]['id']}").json()
    assert dossier["procedure"] == {
        "code": code,
        "version": 1,
        "name": dossier["procedure"]["name"],
    }
    payload = example_payload(spec, today=NOW.date())
    expected = set(harness.documents(spec, payload))
    assert {a["document_id"] for a in dossier["attachments"]} == expected
    with harness.service.store.engine.connect() as conn:
        drafts = conn.exec_driver_sql("SELECT count(*) FROM drafts").scalar_one()
    assert drafts == 1  # the draft lives in the database


@SQLITE
def test_a_lead_time_the_form_cannot_check_is_explained(harness: Harness) -> None:
    spec = registry().get("BQP-UAV-01").spec
    payload = example_payload(spec, today=NOW.date())
    soon = NOW.date().isoformat()
    payload |= {"flight_start_date": soon, "flight_end_date": soon}
    driver = WizardDriver(harness.client, spec, prefix="/dich-vu")
    driver.start()
    documents = {d.id: d for c in spec.effective_cases() for d in c.documents}
    driver.fill(payload, documents=sample_documents(documents.values()))
    response = driver.post([], button="submit")
    assert response.status_code == 422
    assert "7 ngày làm việc" in response.text
    assert harness.api("all-staff").get("/dossiers").json()["total"] == 0


@SQLITE
def test_sql_drafts_refuse_stale_saves(harness: Harness) -> None:
    store = SqlDraftStore(harness.service.store.drafts)
    draft = new_draft("BQP-UAV-01", 1, ttl=dt.timedelta(days=1), now=NOW)
    run_sync(store.save(draft))
    loaded = run_sync(store.load(draft.token))
    assert loaded is not None
    assert loaded.revision == 1
    draft.revision = 0
    with pytest.raises(DraftConflict):
        run_sync(store.save(draft))
    assert run_sync(store.load("short")) is None


@SQLITE
def test_mounted_under_a_prefix(harness: Harness) -> None:
    host = Starlette(routes=[Mount("/cong/dvc", app=harness.app)])
    client = make_client(host)
    assert (
        client.get("/cong/dvc/", follow_redirects=False).headers["location"] == "/cong/dvc/dich-vu/"
    )
    signed = client.post("/cong/dvc/auth/login", json={"username": CITIZEN, "password": PASSWORD})
    assert "Path=/cong/dvc" in signed.headers["set-cookie"]
    spec = registry().get("BQP-NVQS-03").spec
    payload = example_payload(spec, today=NOW.date())
    body = {"data": payload, "documents": harness.documents(spec, payload)}
    filed = client.post(
        "/cong/dvc/api/procedures/BQP-NVQS-03/dossiers",
        json=body,
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert filed.status_code == 201, filed.text
    assert filed.json()["links"]["self"].startswith("/cong/dvc/api/dossiers/")
    dossier = client.get(filed.json()["links"]["self"]).json()
    assert dossier["links"]["events"].startswith("/cong/dvc/api/dossiers/")
    assert client.get("/cong/dvc/api/openapi.json").json()["servers"] == [{"url": "/cong/dvc/api"}]


def test_the_embedding_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(ROOT / "examples" / "embed_app.py"), run_name="__main__")
    assert "every link prefixed" in capsys.readouterr().out


def test_create_app_is_public() -> None:
    assert "create_app" in procgen.__all__
    assert procgen.create_app.__module__ == "procgen.web.app"


@SQLITE
def test_build_helper_shares_the_clock(harness: Harness) -> None:
    clock = harness.clock
    assert clock.now() == NOW
    assert harness.service.clock is clock
    assert harness.service.store.clock is clock
    assert harness.app.state.procgen_auth.sessions.clock is clock
    clock.advance(dt.timedelta(hours=2))  # the app's time is the harness's: it moves with it
    spec = registry().get("BQP-NVQS-03").spec
    filed = harness.submit(spec, example_payload(spec, today=NOW.date()))
    assert filed.status_code == 201, filed.text
    assert filed.json()["received_at"] == "2026-04-15T05:00:00Z"
