"""The shipped Gherkin steps (pytest-bdd), in English and Vietnamese.

Each function below implements one phrase of :data:`procgen.testing.phrases.PHRASES` (the
wording lives there); :func:`_register` binds it to both languages' patterns. The plugin
(:mod:`procgen.testing.plugin`) loads this module, so any feature file can use the steps
without a line of Python. They act on the ``procgen_world`` fixture
(:class:`~procgen.testing.world.ProcedureWorld`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytest_bdd import given, parsers, then, when

from procgen.testing.phrases import LANGUAGES, PHRASES
from procgen.testing.tables import Table, TableError, parse_due, table_values
from procgen.testing.world import APPLICANT, ProcedureWorld, StepFailed, describe_errors

__all__: list[str] = []

_KINDS = {"given": given, "when": when, "then": then}
_IMPLEMENTATIONS: dict[str, Callable[..., Any]] = {}


def _step(key: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def record(function: Callable[..., Any]) -> Callable[..., Any]:
        _IMPLEMENTATIONS[key] = function
        return function

    return record


# -------------------------------------------------------------------- Given


@_step("procedure")
def _procedure(procgen_world: ProcedureWorld, code: str) -> None:
    procgen_world.use_procedure(code)


@_step("today")
def _today(procgen_world: ProcedureWorld, moment: str) -> None:
    procgen_world.set_today(moment)


@_step("user")
def _user(procgen_world: ProcedureWorld, name: str, role: str) -> None:
    procgen_world.add_user(name, role)


@_step("dossier_with")
def _dossier_with(procgen_world: ProcedureWorld, code: str, datatable: Table) -> None:
    _submitted(procgen_world, procgen_world.submit(code, datatable))


@_step("dossier_example")
def _dossier_example(procgen_world: ProcedureWorld, code: str) -> None:
    _submitted(procgen_world, procgen_world.submit(code, None))


def _submitted(world: ProcedureWorld, response: Any) -> None:
    if response.status_code != 201:
        raise StepFailed(
            f"the dossier could not be submitted ({response.status_code}); errors:\n"
            + describe_errors(world.submission_errors())
        )


@_step("leave_out")
def _leave_out(procgen_world: ProcedureWorld, document: str) -> None:
    procgen_world.left_out.add(document)


@_step("attach")
def _attach(procgen_world: ProcedureWorld, filename: str, document: str) -> None:
    procgen_world.attached[document] = filename


# -------------------------------------------------------------------- When


@_step("submit_with")
def _submit_with(procgen_world: ProcedureWorld, datatable: Table) -> None:
    procgen_world.submit(None, datatable)


@_step("submit_example")
def _submit_example(procgen_world: ProcedureWorld) -> None:
    procgen_world.submit(None, None)


@_step("perform")
def _perform(procgen_world: ProcedureWorld, user: str, action: str) -> None:
    procgen_world.perform(user, action)


@_step("perform_with")
def _perform_with(procgen_world: ProcedureWorld, user: str, action: str, datatable: Table) -> None:
    procgen_world.perform(user, action, datatable)


@_step("applicant_performs")
def _applicant_performs(procgen_world: ProcedureWorld, action: str) -> None:
    procgen_world.perform(APPLICANT, action)


@_step("applicant_performs_with")
def _applicant_performs_with(procgen_world: ProcedureWorld, action: str, datatable: Table) -> None:
    procgen_world.perform(APPLICANT, action, datatable)


@_step("supplement")
def _supplement(procgen_world: ProcedureWorld) -> None:
    procgen_world.supplement()


@_step("working_days_pass")
def _working_days_pass(procgen_world: ProcedureWorld, count: str) -> None:
    procgen_world.pass_working_days(int(count))


@_step("days_pass")
def _days_pass(procgen_world: ProcedureWorld, count: str) -> None:
    procgen_world.pass_days(int(count))


# -------------------------------------------------------------------- Then


@_step("accepted")
def _accepted(procgen_world: ProcedureWorld) -> None:
    errors = procgen_world.submission_errors()
    if errors:
        raise StepFailed(
            "expected the submission to be accepted; it was refused "
            f"({procgen_world.last_response.status_code}) with:\n{describe_errors(errors)}"
        )


def _rejected(world: ProcedureWorld, path: str, message: str | None) -> None:
    errors = world.submission_errors()
    if not errors:
        raise StepFailed(f"expected an error on {path!r}; the submission was accepted")
    on_field = [e for e in errors if ".".join(map(str, e["loc"])) == path]
    if not on_field:
        raise StepFailed(
            f"expected an error on {path!r}; the errors are:\n{describe_errors(errors)}"
        )
    if message is not None and not any(message in e["msg"] for e in on_field):
        found = "\n".join(f"  {e['msg']}" for e in on_field)
        raise StepFailed(f"expected the error on {path!r} to say {message!r}; it says:\n{found}")


@_step("rejected_field")
def _rejected_field(procgen_world: ProcedureWorld, field: str) -> None:
    _rejected(procgen_world, field, None)


@_step("rejected_message")
def _rejected_message(procgen_world: ProcedureWorld, field: str, message: str) -> None:
    _rejected(procgen_world, field, message)


@_step("at_step")
def _at_step(procgen_world: ProcedureWorld, step: str) -> None:
    dossier = procgen_world.get_dossier()
    if dossier["step"]["id"] != step:
        raise StepFailed(
            f"expected the dossier at step {step!r}; it is at {dossier['step']['id']!r}\n"
            + procgen_world.describe_actions(APPLICANT)
        )


def _date_is(world: ProcedureWorld, key: str, expected: str, what: str) -> None:
    try:
        day, time = parse_due(expected)
    except TableError as exc:
        raise StepFailed(str(exc)) from None
    value = world.get_dossier()[key]
    if value is None:
        raise StepFailed(f"expected the {what} {expected}; the dossier has none")
    moment = world.local(value)
    found = moment.strftime("%d/%m/%Y %H:%M")
    if moment.date() != day or (time is not None and moment.time().replace(second=0) != time):
        raise StepFailed(f"expected the {what} {expected}; it is {found}")


@_step("due_date")
def _due_date(procgen_world: ProcedureWorld, date: str) -> None:
    _date_is(procgen_world, "due_at", date, "due date")


@_step("appointment_date")
def _appointment_date(procgen_world: ProcedureWorld, date: str) -> None:
    _date_is(procgen_world, "appointment_at", date, "appointment date")


def _timeliness(world: ProcedureWorld, expected: str) -> None:
    found = world.timeliness()
    if found != expected:
        dossier = world.get_dossier()
        due, done = world.local_date(dossier["due_at"]), world.local_date(dossier["completed_at"])
        raise StepFailed(
            f"expected the dossier {expected}; it is {found} (due {due}, "
            f"{'finished ' + str(done) if done else 'open'}, today {world.now_local().date()})"
        )


@_step("on_time")
def _on_time(procgen_world: ProcedureWorld) -> None:
    _timeliness(procgen_world, "on time")


@_step("late")
def _late(procgen_world: ProcedureWorld) -> None:
    _timeliness(procgen_world, "late")


@_step("overdue")
def _overdue(procgen_world: ProcedureWorld) -> None:
    _timeliness(procgen_world, "overdue")


@_step("can")
def _can(procgen_world: ProcedureWorld, user: str, action: str) -> None:
    if action not in procgen_world.allowed(user):
        raise StepFailed(
            f"expected {user!r} to be able to perform {action!r}\n"
            + procgen_world.describe_actions(user)
        )


@_step("cannot")
def _cannot(procgen_world: ProcedureWorld, user: str, action: str) -> None:
    if action in procgen_world.allowed(user):
        raise StepFailed(
            f"expected {user!r} not to be able to perform {action!r}, but they can\n"
            + procgen_world.describe_actions(user)
        )


@_step("history")
def _history(procgen_world: ProcedureWorld, datatable: Table) -> None:
    expected = table_values(datatable)
    found = procgen_world.history()
    if found != expected:
        raise StepFailed(
            f"expected the history {' → '.join(expected)}\n"
            f"                found {' → '.join(found) or '(nothing)'}"
        )


@_step("tracking_shows")
def _tracking_shows(procgen_world: ProcedureWorld, text: str) -> None:
    page = procgen_world.tracking_page()
    if text not in page:
        raise StepFailed(f"expected the tracking page to show {text!r}; it shows:\n{page[:1500]}")


# -------------------------------------------------------------------- registration


def _register() -> None:
    missing = set(PHRASES) - set(_IMPLEMENTATIONS)
    if missing:  # a phrase without a step: a bug of this module, caught by its tests
        raise RuntimeError(f"phrases without a step: {sorted(missing)}")
    for key, function in _IMPLEMENTATIONS.items():
        phrase = PHRASES[key]
        decorator = _KINDS[phrase.kind]
        for language in LANGUAGES:
            # stacklevel 2: the step's fixture goes into this module, not _register's frame
            decorator(parsers.re(phrase.regex(language)), stacklevel=2)(function)


_register()
