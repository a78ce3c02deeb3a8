"""procgen's pytest plugin: fixtures for testing procedures, the Gherkin steps, coverage.

Registered through the ``pytest11`` entry point, so installing procgen with its ``testing``
extra is enough; ``-p no:procgen`` turns it off. Settings (``pyproject.toml`` under
``[tool.pytest.ini_options]``, or ``pytest.ini``)::

    procgen_definitions = "definitions"        # the folder of spec files (default)
    procgen_field_types = "myproject.types:FIELD_TYPES"   # the deployment's field types
    procgen_database_url = ""                  # default: a SQLite file per test
    procgen_today = "15/04/2026 09:00"         # where the clock starts (local time)
    procgen_coverage_fail_under = 100          # with --procgen-coverage

``procgen_field_types`` (or ``--procgen-field-types``) names a
:class:`~procgen.forms.FieldTypeRegistry`, or a function returning one, as ``module:attr``
(imported with the project's root folder first on ``sys.path``); the definitions are loaded
and compiled with it, so data tables, the app and coverage know the deployment's own types.
Default: the built-in types.

``PROCGEN_TEST_DATABASE_URL`` in the environment overrides ``procgen_database_url`` (a
``postgresql+psycopg://`` URL: each session gets a schema of its own on that server).

Fixtures (all function-scoped but the registry): ``procgen_registry``, ``procgen_clock``
(a :class:`~procgen.workflow.ManualClock`), ``procgen_database_url``, ``procgen_auth``
(:class:`~procgen.testing.auth.ScenarioAuth`), ``procgen_app``, ``procgen_client`` (a
Starlette ``TestClient``), ``procgen_world`` (:class:`~procgen.testing.world.ProcedureWorld`,
what the steps act on). See ``docs/testing.md``.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import sqlalchemy as sa
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from procgen.forms import FieldTypeRegistry
    from procgen.registry import Registry
    from procgen.testing.auth import ScenarioAuth
    from procgen.testing.coverage import TransitionCoverage
    from procgen.testing.databases import PostgresSchema, SqliteTemplate
    from procgen.testing.world import ProcedureWorld
    from procgen.workflow import ManualClock

__all__ = [
    "ENV_DATABASE_URL",
    "procgen_app",
    "procgen_auth",
    "procgen_client",
    "procgen_clock",
    "procgen_database_url",
    "procgen_registry",
    "procgen_world",
    "pytest_addoption",
    "pytest_bdd_before_step",
    "pytest_configure",
    "pytest_sessionfinish",
    "pytest_terminal_summary",
    "pytest_testnodedown",
]

ENV_DATABASE_URL = "PROCGEN_TEST_DATABASE_URL"
_COVERAGE: pytest.StashKey[TransitionCoverage] = pytest.StashKey()
_DEFAULT_TODAY = "15/04/2026 09:00"
_XDIST_KEY = "procgen_coverage"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("procgen", "procgen: testing procedures")
    group.addoption(
        "--procgen-definitions",
        help="the folder of procedure spec files (ini: procgen_definitions)",
    )
    group.addoption(
        "--procgen-field-types",
        metavar="MODULE:ATTR",
        help="the deployment's field types, a FieldTypeRegistry or a function returning one "
        "(ini: procgen_field_types)",
    )
    group.addoption(
        "--procgen-coverage",
        action="store_true",
        help="report the steps, actions and deadline outcomes the tests exercised",
    )
    group.addoption(
        "--procgen-coverage-json",
        metavar="FILE",
        help="also write the coverage report as JSON to FILE",
    )
    parser.addini(
        "procgen_definitions", "the folder of procedure spec files", default="definitions"
    )
    parser.addini(
        "procgen_field_types",
        "the deployment's field types as module:attr (default: the built-in types)",
        default="",
    )
    parser.addini(
        "procgen_database_url",
        f"the database of the tests (default: a SQLite file per test; ${ENV_DATABASE_URL} wins)",
        default="",
    )
    parser.addini(
        "procgen_today", "where each test's clock starts, local time", default=_DEFAULT_TODAY
    )
    parser.addini(
        "procgen_coverage_fail_under",
        "fail the run when procgen coverage is below this percentage",
        default="0",
    )


def pytest_configure(config: pytest.Config) -> None:
    if importlib.util.find_spec("pytest_bdd") is not None:
        config.pluginmanager.import_plugin("procgen.testing.steps")
    if config.getoption("procgen_coverage", False) or config.getoption(
        "procgen_coverage_json", None
    ):
        from procgen.testing.coverage import TransitionCoverage

        config.stash[_COVERAGE] = TransitionCoverage(_load_registry(config))


def _definitions(config: pytest.Config) -> Path:
    value = config.getoption("procgen_definitions", None) or config.getini("procgen_definitions")
    path = Path(str(value))
    return path if path.is_absolute() else config.rootpath / path


_REGISTRY: pytest.StashKey[Registry] = pytest.StashKey()


def _load_registry(config: pytest.Config) -> Registry:
    if _REGISTRY not in config.stash:
        from procgen.errors import SpecError
        from procgen.registry import Registry

        path = _definitions(config)
        if not path.exists():
            raise pytest.UsageError(
                f"procgen: no definitions at {path}; set procgen_definitions in the pytest "
                "configuration or pass --procgen-definitions"
            )
        reference, field_types = _field_types(config)
        try:
            config.stash[_REGISTRY] = Registry.from_path(path, field_types=field_types)
        except SpecError as exc:
            message = f"procgen: {exc}"
            if any(d.code == "unknown-field-type" for d in exc.diagnostics):
                message += (
                    "\na custom field type? name its registry with procgen_field_types = "
                    "module:attr (or --procgen-field-types)"
                    if reference is None
                    else f"\nis it registered in {reference} (procgen_field_types)?"
                )
            raise pytest.UsageError(message) from None
    return config.stash[_REGISTRY]


def _field_types(config: pytest.Config) -> tuple[str | None, FieldTypeRegistry | None]:
    """The ``module:attr`` of ``--procgen-field-types`` or ``procgen_field_types``, and the
    registry it names (both None: the built-in types)."""
    from procgen.errors import ConfigurationError
    from procgen.forms.types import resolve_field_types

    option = config.getoption("procgen_field_types", None)
    reference = str(option or config.getini("procgen_field_types") or "").strip()
    if not reference:
        return None, None
    try:
        return reference, resolve_field_types(reference, directory=config.rootpath)
    except ConfigurationError as exc:
        setting = "--procgen-field-types" if option else "procgen_field_types"
        raise pytest.UsageError(f"procgen: {setting}: {exc}") from None


@pytest.fixture(scope="session")
def procgen_registry(pytestconfig: pytest.Config) -> Registry:
    """The procedures of the configured definitions folder, compiled once per session with
    the configured field types (``procgen_field_types``)."""
    return _load_registry(pytestconfig)


@pytest.fixture
def procgen_clock(pytestconfig: pytest.Config) -> ManualClock:
    """The app's clock, at ``procgen_today`` (local time), moved only by the tests."""
    from zoneinfo import ZoneInfo

    from procgen.testing.tables import parse_local_moment
    from procgen.workflow import CalendarConfig, ManualClock

    wall = parse_local_moment(str(pytestconfig.getini("procgen_today")))
    zone = ZoneInfo(CalendarConfig().timezone)
    return ManualClock(wall.replace(tzinfo=zone).astimezone(dt.UTC))


@pytest.fixture(scope="session")
def _procgen_sqlite(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    from procgen.testing.databases import SqliteTemplate

    return SqliteTemplate(tmp_path_factory.mktemp("procgen-template"))


@pytest.fixture(scope="session")
def _procgen_postgres(pytestconfig: pytest.Config) -> Iterator[PostgresSchema | None]:
    url = _configured_url(pytestconfig)
    if not url or not url.startswith("postgresql"):
        yield None
        return
    from procgen.testing.databases import PostgresSchema

    schema = PostgresSchema(url)
    try:
        yield schema
    finally:
        schema.drop()


def _configured_url(config: pytest.Config) -> str:
    return os.environ.get(ENV_DATABASE_URL) or str(config.getini("procgen_database_url"))


@pytest.fixture
def procgen_database_url(
    request: pytest.FixtureRequest, pytestconfig: pytest.Config, tmp_path: Path
) -> sa.URL:
    """An empty, migrated database for this test (see the module docstring)."""
    import sqlalchemy as sa

    url = _configured_url(pytestconfig)
    if url.startswith("postgresql"):
        schema: PostgresSchema = request.getfixturevalue("_procgen_postgres")
        return schema.fresh()
    if url:
        return sa.make_url(url)
    template: SqliteTemplate = request.getfixturevalue("_procgen_sqlite")
    return template.fresh(tmp_path)


@pytest.fixture
def procgen_auth() -> ScenarioAuth:
    """The test's users (``Authorization: Bearer scenario-<name>``)."""
    from procgen.testing.auth import ScenarioAuth

    return ScenarioAuth()


@pytest.fixture
def procgen_app(
    pytestconfig: pytest.Config,
    procgen_registry: Registry,
    procgen_database_url: sa.URL,
    procgen_clock: ManualClock,
    procgen_auth: ScenarioAuth,
    tmp_path: Path,
) -> Iterator[Starlette]:
    """The whole service (``procgen.create_app``) on this test's database and clock."""
    from procgen.store import FileStorage, create_engine_for
    from procgen.web.app import create_app

    engine = create_engine_for(procgen_database_url, pool_size=2, max_overflow=8)
    app = create_app(
        procgen_registry,
        engine=engine,
        auth=procgen_auth,
        clock=procgen_clock,
        storage=FileStorage(tmp_path / "attachments", durable=False),
    )
    try:
        yield app
    finally:
        coverage = pytestconfig.stash.get(_COVERAGE, None)
        if coverage is not None:
            coverage.collect(engine, deadlines=app.state.procgen_service.deadlines)
        engine.dispose()


@pytest.fixture
def procgen_client(procgen_app: Starlette) -> Iterator[TestClient]:
    """An HTTP client of the app (Starlette's ``TestClient``)."""
    from procgen.testing.wizard import make_client

    with make_client(procgen_app) as client:
        yield client


@pytest.fixture
def procgen_world(
    procgen_app: Starlette,
    procgen_client: TestClient,
    procgen_clock: ManualClock,
    procgen_auth: ScenarioAuth,
    procgen_registry: Registry,
) -> ProcedureWorld:
    """One scenario's state: the app, its users and the dossier under test."""
    from procgen.testing.world import ProcedureWorld

    return ProcedureWorld(
        client=procgen_client,
        service=procgen_app.state.procgen_service,
        clock=procgen_clock,
        auth=procgen_auth,
        registry=procgen_registry,
    )


def pytest_bdd_before_step(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, step_func: Any
) -> None:
    """The shipped steps answer in the feature's language (``# language: vi``)."""
    if getattr(step_func, "__module__", "") == "procgen.testing.steps":
        world: ProcedureWorld = request.getfixturevalue("procgen_world")
        world.language = "vi" if getattr(feature, "language", "en") == "vi" else "en"


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    coverage = config.stash.get(_COVERAGE, None)
    if coverage is None or hasattr(config, "workerinput"):
        return
    report = coverage.report()
    terminalreporter.section("procgen coverage")
    terminalreporter.write_line(report.render(width=config.get_terminal_writer().fullwidth))
    target = config.getoption("procgen_coverage_json", None)
    if target:
        Path(target).write_text(json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n")
        terminalreporter.write_line(f"procgen coverage written to {target}")
    fail_under = float(str(config.getini("procgen_coverage_fail_under")) or 0)
    if config.getoption("procgen_coverage", False) and report.below(fail_under):
        terminalreporter.write_line(report.threshold_message(fail_under), red=True)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    coverage = config.stash.get(_COVERAGE, None)
    if coverage is None:
        return
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:  # a pytest-xdist worker: hand the share to the controller
        workeroutput[_XDIST_KEY] = coverage.export()
        return
    if not config.getoption("procgen_coverage", False):
        return
    fail_under = float(str(config.getini("procgen_coverage_fail_under")) or 0)
    if exitstatus == 0 and coverage.report().below(fail_under):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist's controller: add what a worker's tests exercised."""
    coverage = node.config.stash.get(_COVERAGE, None)
    exported = getattr(node, "workeroutput", {}).get(_XDIST_KEY)
    if coverage is not None and exported is not None:
        coverage.merge(exported)
