"""No input gives a 500: garbage bodies, headers, paths and queries on every endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procgen.forms import example_payload
from procgen.testing.databases import SqliteTemplate
from tests.web.support import CITIZEN, NOW, Harness, build, officer, registry, token

DOSSIER = "{dossier}"
ENDPOINTS = [
    ("GET", "/api/procedures"),
    ("GET", "/api/procedures/BQP-UAV-01"),
    ("GET", "/api/procedures/BQP-UAV-01/schema"),
    ("POST", "/api/procedures/BQP-NVQS-03/dossiers"),
    ("POST", "/api/procedures/NOPE/dossiers"),
    ("GET", "/api/dossiers"),
    ("GET", f"/api/dossiers/{DOSSIER}"),
    ("GET", f"/api/dossiers/{DOSSIER}/events"),
    ("GET", f"/api/dossiers/{DOSSIER}/actions"),
    ("POST", f"/api/dossiers/{DOSSIER}/actions/accept"),
    ("POST", f"/api/dossiers/{DOSSIER}/actions/%00"),
    ("GET", "/api/openapi.json"),
    ("POST", "/auth/login"),
    ("POST", "/auth/logout"),
    ("GET", "/auth/me"),
    ("GET", "/health"),
]
BODIES: list[tuple[bytes, str]] = [
    (b"", "application/json"),
    (b"null", "application/json"),
    (b"[1, 2, 3]", "application/json"),
    (b'"text"', "application/json"),
    (b'{"data": "x"}', "application/json"),
    (b'{"data": {}, "documents": {"a": [1]}}', "application/json"),
    (b'{"data": {}, "documents": []}', "application/json"),
    (b'{"inputs": [1]}', "application/json"),
    (b'{"inputs": {"reason": {"content_base64": 5}}}', "application/json"),
    (b'{"inputs": {"reason": 12}, "documents": {"x": {"filename": 1}}}', "application/json"),
    (b'{"channel": 5, "data": {}}', "application/json"),
    (b'{"username": ["x"], "password": null}', "application/json"),
    (b"[" * 100_000, "application/json"),
    (b"\xff\xfe\x00garbage", "application/json"),
    (
        b'--x\r\nContent-Disposition: form-data; name="data"\r\n\r\n{bad\r\n--x--',
        "multipart/form-data; boundary=x",
    ),
    (b"no boundary here", "multipart/form-data"),
    (b"--x\r\nbroken", "multipart/form-data; boundary=x"),
    (b"a=1&b=2", "application/x-www-form-urlencoded"),
    (b"<xml/>", "text/xml"),
]
HEADERS: list[dict[str, str]] = [
    {},
    {"If-Match": 'W/"abc"'},
    {"If-Match": '"99999999999999999999"'},
    {"Idempotency-Key": "x" * 300},
    {"Authorization": "Bearer " + "x" * 600},
    {"Authorization": "Basic Zm9vOmJhcg=="},
    {"Accept-Language": "vi;q=abc, *;q=2, " + "x" * 200},
    {"Cookie": "procgen_session=abc.def; procgen_lang=xx"},
    {"Origin": "null"},
]
QUERIES = [
    "",
    "?page=-1&size=0",
    "?size=99999&page=abc",
    "?due_before=yesterday&overdue=maybe",
    "?due_before=2026-02-30",
    "?due_before=2026-01-01T00:00:00",
    "?version=0",
    "?version=99999999",
    "?role=" + "r" * 100,
    "?lang=%00&procedure=%FF",
]


@pytest.fixture(scope="module")
def garbage_app(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: SqliteTemplate
) -> Iterator[tuple[Harness, str]]:
    h = build(sqlite_template.fresh(tmp_path_factory.mktemp("garbage")))
    spec = registry().get("BQP-NVQS-03").spec
    filed = h.submit(spec, example_payload(spec, today=NOW.date()))
    assert filed.status_code == 201
    yield h, filed.json()["id"]
    h.close()


def _send(
    h: Harness, method: str, path: str, body: bytes, kind: str, headers: dict[str, str]
) -> Any:
    sent = {"Content-Type": kind, **headers}
    if "Authorization" not in sent:
        sent["Authorization"] = f"Bearer {token(officer('reception'))}"
    if method == "GET":
        return h.client.get(path, headers=sent)
    return h.client.post(path, content=body, headers=sent)


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_garbage_never_gives_a_500(
    garbage_app: tuple[Harness, str], method: str, path: str
) -> None:
    h, dossier = garbage_app
    target = path.replace(DOSSIER, dossier)
    for body, kind in BODIES if method == "POST" else BODIES[:1]:
        response = _send(h, method, target, body, kind, {})
        assert response.status_code < 500, (target, body[:60], response.text[:300])
    for headers in HEADERS:
        response = _send(h, method, target, b'{"data": {}}', "application/json", headers)
        assert response.status_code < 500, (target, headers, response.text[:300])
    for query in QUERIES:
        response = _send(h, method, target + query, b"{}", "application/json", {})
        assert response.status_code < 500, (target, query, response.text[:300])


@pytest.mark.parametrize(
    "path",
    [
        "/api/dossiers/not-a-uuid",
        "/api/dossiers/00000000-0000-0000-0000-000000000000/events",
        "/api/dossiers/..%2F..%2Fetc/actions",
        "/api/procedures/%E2%80%AE/schema",
        "/api/nothing/here",
        "/api/procedures/" + "x" * 5000,
    ],
)
def test_odd_paths_get_json_errors(garbage_app: tuple[Harness, str], path: str) -> None:
    h, _ = garbage_app
    response = h.api(CITIZEN).client.get(
        path, headers={"Authorization": f"Bearer {token(CITIZEN)}"}
    )
    assert response.status_code in (404, 422), response.text
    assert response.headers["content-type"].startswith("application/json")
    assert h.client.delete("/api/procedures").status_code == 405


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda inner: (
                st.lists(inner, max_size=4)
                | st.dictionaries(
                    st.sampled_from(["data", "documents", "channel", "inputs", "x"]),
                    inner,
                    max_size=4,
                )
            ),
            max_leaves=12,
        ).map(lambda v: __import__("json").dumps(v).encode()),
    ),
    endpoint=st.sampled_from(
        ["/api/procedures/BQP-UAV-01/dossiers", f"/api/dossiers/{DOSSIER}/actions/accept"]
    ),
)
def test_random_bodies(garbage_app: tuple[Harness, str], body: bytes, endpoint: str) -> None:
    h, dossier = garbage_app
    response = _send(
        h, "POST", endpoint.replace(DOSSIER, dossier), body, "application/json", {"If-Match": '"1"'}
    )
    assert response.status_code < 500, (body[:100], response.text[:300])
