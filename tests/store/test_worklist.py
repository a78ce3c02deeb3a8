"""Tests for the worklist: filters, due-date order, pagination."""

from __future__ import annotations

import datetime as dt

import pytest

from procgen.errors import ConfigurationError
from procgen.store import Applicant, DossierStore, StepRef, WorklistFilter
from procgen.store.worklist import MAX_PAGE_SIZE
from tests.store.conftest import MACHINE, OFFICER, RECEPTION, T0, new_dossier

DAY = dt.timedelta(days=1)


@pytest.fixture
def filed(store: DossierStore) -> dict[str, str]:
    """Seven dossiers; returns their numbers by a short name."""
    specs = {
        "a": {"due_at": T0 + 3 * DAY},
        "b": {"due_at": T0 + 1 * DAY},
        "c": {"due_at": None},
        "d": {"due_at": T0 + 2 * DAY, "procedure_code": "OTHER"},
        "e": {"due_at": T0 + 5 * DAY, "procedure_version": 1},
        "f": {"due_at": T0 - DAY, "applicant": Applicant("B", "citizen-2")},
        "g": {"due_at": T0 + 4 * DAY, "step_due_at": T0 + DAY},
    }
    dossiers = {name: store.create_dossier(new_dossier(**kw)).dossier for name, kw in specs.items()}
    accept = MACHINE.apply("reception", "accept", RECEPTION, {})
    for name in ("a", "e", "g"):
        store.apply_transition(dossiers[name].id, 1, accept, T0)
    approve = MACHINE.apply("review", "approve", OFFICER, {})
    store.apply_transition(dossiers["g"].id, 2, approve, T0)  # closed
    return {name: d.number for name, d in dossiers.items()}


def names(store: DossierStore, filed: dict[str, str], query: WorklistFilter, **kw: object) -> str:
    by_number = {number: name for name, number in filed.items()}
    page = store.worklist(query, now=T0, **kw)  # type: ignore[arg-type]
    return "".join(by_number[d.number] for d in page.items)


def test_open_dossiers_by_due_date_without_due_date_last(
    store: DossierStore, filed: dict[str, str]
) -> None:
    assert names(store, filed, WorklistFilter()) == "fbdaec"
    assert names(store, filed, WorklistFilter(include_closed=True)) == "fbdagec"


def test_filters(store: DossierStore, filed: dict[str, str]) -> None:
    assert names(store, filed, WorklistFilter(procedure="OTHER")) == "d"
    assert names(store, filed, WorklistFilter(steps={"review"})) == "ae"
    assert names(store, filed, WorklistFilter(applicant_user_id="citizen-2")) == "f"
    assert names(store, filed, WorklistFilter(overdue=True)) == "f"
    assert names(store, filed, WorklistFilter(due_before=T0 + 3 * DAY)) == "fbd"
    steps = WorklistFilter(step_due_before=T0 + 2 * DAY, include_closed=True)
    assert names(store, filed, steps) == "g"
    both = WorklistFilter(procedure="QP-VT-01", due_before=T0 + 4 * DAY)
    assert names(store, filed, both) == "fba"


def test_actionable_steps_by_procedure_version(store: DossierStore, filed: dict[str, str]) -> None:
    reviewer_v2 = WorklistFilter(actionable=[StepRef("QP-VT-01", 2, "review")])
    assert names(store, filed, reviewer_v2) == "a"
    both_versions = WorklistFilter(
        actionable=[StepRef("QP-VT-01", 2, "review"), StepRef("QP-VT-01", 1, "review")]
    )
    assert names(store, filed, both_versions) == "ae"
    assert names(store, filed, WorklistFilter(actionable=[])) == ""


def test_paused_dossiers_are_not_overdue(store: DossierStore, filed: dict[str, str]) -> None:
    late = store.create_dossier(new_dossier(due_at=T0 - 2 * DAY, clock_paused=True)).dossier
    assert late.paused
    assert names(store, filed, WorklistFilter(overdue=True)) == "f"


def test_pagination(store: DossierStore, filed: dict[str, str]) -> None:
    pages = [store.worklist(page=n, size=4, now=T0) for n in (1, 2, 3)]
    assert [len(p.items) for p in pages] == [4, 2, 0]
    assert {p.total for p in pages} == {6}
    assert pages[0].pages == 2
    assert [d.number for p in pages for d in p.items] == [
        d.number for d in store.worklist(size=MAX_PAGE_SIZE).items
    ]


@pytest.mark.parametrize(("page", "size"), [(0, 10), (1, 0), (1, MAX_PAGE_SIZE + 1)])
def test_bad_pages(store: DossierStore, page: int, size: int) -> None:
    with pytest.raises(ConfigurationError):
        store.worklist(page=page, size=size)


def test_naive_instants_are_refused(store: DossierStore) -> None:
    with pytest.raises(ConfigurationError, match="due_before"):
        WorklistFilter(due_before=dt.datetime(2025, 1, 1))
    with pytest.raises(ConfigurationError, match="now"):
        store.worklist(now=dt.datetime(2025, 1, 1))


def test_actionable_steps_by_case(store: DossierStore) -> None:
    # Two cases of one procedure may give the same step id to different roles.
    civilian = store.create_dossier(new_dossier(case_id="civilian")).dossier
    serviceman = store.create_dossier(new_dossier(case_id="serviceman")).dossier
    only = WorklistFilter(actionable=[StepRef("QP-VT-01", 2, "reception", "serviceman")])
    page = store.worklist(only, now=T0)
    assert [d.number for d in page.items] == [serviceman.number]
    any_case = WorklistFilter(actionable=[StepRef("QP-VT-01", 2, "reception")])
    numbers = {d.number for d in store.worklist(any_case, now=T0).items}
    assert numbers == {civilian.number, serviceman.number}
