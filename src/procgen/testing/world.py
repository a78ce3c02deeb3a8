"""One scenario's world: the running app, its clock, its users and the dossier under test.

:class:`ProcedureWorld` is what the shipped Gherkin steps act on (:mod:`procgen.testing.steps`),
and what a tester's own Python steps can use too (the ``procgen_world`` fixture). Everything
it does goes through the real HTTP API and pages of the app, as a client would: it submits
``POST /api/procedures/{code}/dossiers``, acts with ``POST /api/dossiers/{id}/actions/...``,
reads the tracking page; only time is moved by hand (the app's :class:`ManualClock`), after
which the expiry worker runs as ``procgen worker`` would.

Failures raise :class:`StepFailed` with what was expected and what was found: the field errors
of a refused submission, the current step and the allowed actions of a refused action.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from procgen.forms import example_payload
from procgen.spec.models import Document, ProcedureSpec
from procgen.testing.auth import ScenarioAuth
from procgen.testing.files import sample_upload
from procgen.testing.phrases import Language
from procgen.testing.tables import (
    Table,
    TableError,
    input_values,
    parse_local_moment,
    payload_from_table,
    typed_input,
)
from procgen.workflow import LiveStatus, ManualClock, Timeliness

if TYPE_CHECKING:
    from starlette.testclient import TestClient

    from procgen.registry import Registry
    from procgen.service import DossierService

__all__ = [
    "APPLICANT",
    "ProcedureWorld",
    "StepFailed",
    "Submitted",
    "describe_errors",
]

#: The applicant's user name in scenarios (a citizen without officer roles).
APPLICANT = "applicant"


class StepFailed(AssertionError):
    """A step's expectation did not hold; the message says what was expected and found."""


@dataclass
class Submitted:
    """The dossier under test, as the API answered its submission."""

    id: str
    number: str
    secret: str
    code: str


@dataclass(repr=False)
class ProcedureWorld:
    """The state of one scenario (see the module docstring)."""

    client: TestClient
    service: DossierService
    clock: ManualClock
    auth: ScenarioAuth
    registry: Registry
    language: Language = "vi"
    procedure: ProcedureSpec | None = None
    dossier: Submitted | None = None
    last_response: Any = None
    left_out: set[str] = field(default_factory=set)
    attached: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        code = self.procedure.code if self.procedure else None
        number = self.dossier.number if self.dossier else None
        return f"<ProcedureWorld {code} dossier={number} at {self.clock.now().isoformat()}>"

    # ------------------------------------------------------------------ the setting

    @property
    def calendar(self) -> Any:
        """The app's working calendar."""
        return self.service.deadlines.calendar

    def now_local(self) -> dt.datetime:
        """The clock's time, local (aware)."""
        local: dt.datetime = self.calendar.local(self.clock.now())
        return local

    def spec(self, code: str | None = None) -> ProcedureSpec:
        """The procedure ``code`` (latest version), or the scenario's procedure."""
        if code is None:
            if self.procedure is None:
                raise StepFailed(
                    'no procedure yet: start with Given the procedure "<code>" (thủ tục "<code>")'
                )
            return self.procedure
        if code not in self.registry.codes():
            known = ", ".join(sorted(self.registry.codes()))
            raise StepFailed(f"no procedure {code!r} in the definitions; known: {known}")
        return self.registry.get(code).spec

    def use_procedure(self, code: str) -> None:
        """Make ``code`` the scenario's procedure."""
        self.procedure = self.spec(code)

    def set_today(self, text: str) -> None:
        """Set the clock to a local time as people write it."""
        wall = parse_local_moment(text)
        zone = self.now_local().tzinfo
        self.clock.set(wall.replace(tzinfo=zone).astimezone(dt.UTC))

    def add_user(self, name: str, role: str) -> None:
        """An officer account ``name`` holding ``role`` (added to the roles it has)."""
        roles = {r for spec in self._specs() for r in spec.role_ids()}
        if role not in roles:
            raise StepFailed(
                f"no procedure declares the role {role!r}; roles: {', '.join(sorted(roles))}"
            )
        self.auth.add(name, role)

    def _specs(self) -> list[ProcedureSpec]:
        return list(self.registry.specs(latest=True))

    # ------------------------------------------------------------------ requests

    def _headers(self, user: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.auth.token(user)}",
            "Accept-Language": self.language,
        }

    def _current(self) -> Submitted:
        if self.dossier is None:
            raise StepFailed("no dossier yet: submit one first (the submission must succeed)")
        return self.dossier

    def get_dossier(self, user: str = APPLICANT) -> dict[str, Any]:
        """The dossier as ``user`` sees it through the API."""
        response = self.client.get(
            f"/api/dossiers/{self._current().id}", headers=self._headers(user)
        )
        if response.status_code != 200:
            raise StepFailed(f"GET the dossier as {user!r}: {response.status_code} {response.text}")
        found: dict[str, Any] = response.json()
        return found

    def actions(self, user: str) -> dict[str, Any]:
        """``GET /api/dossiers/{id}/actions`` as ``user``."""
        response = self.client.get(
            f"/api/dossiers/{self._current().id}/actions", headers=self._headers(user)
        )
        if response.status_code == 404:
            return {"step": self.get_dossier()["step"]["id"], "items": []}
        if response.status_code != 200:
            raise StepFailed(f"GET the actions as {user!r}: {response.status_code} {response.text}")
        found: dict[str, Any] = response.json()
        return found

    def allowed(self, user: str) -> list[str]:
        """The actions ``user`` may take now."""
        return [a["id"] for a in self.actions(user)["items"] if a["allowed"]]

    # ------------------------------------------------------------------ submitting

    def example(self, spec: ProcedureSpec) -> dict[str, Any]:
        """Example data for ``spec`` that passes validation today."""
        form = self.registry.get(spec.code, spec.version).form
        return example_payload(form, today=self.now_local().date())

    def submit(self, code: str | None, table: Table | None) -> Any:
        """Submit as the applicant: the table's data (else example data) and the documents."""
        spec = self.spec(code)
        self.procedure = spec
        procedure = self.registry.get(spec.code, spec.version)
        data = self.example(spec) if table is None else payload_from_table(procedure, table)
        body = {"data": data, "documents": self._documents(spec, data)}
        response = self.client.post(
            f"/api/procedures/{spec.code}/dossiers", json=body, headers=self._headers(APPLICANT)
        )
        self.last_response = response
        self.left_out.clear()
        self.attached.clear()
        if response.status_code == 201:
            filed = response.json()
            self.dossier = Submitted(
                filed["id"], filed["number"], filed["tracking_secret"], spec.code
            )
        return response

    def _documents(self, spec: ProcedureSpec, data: Mapping[str, Any]) -> dict[str, Any]:
        found = self.documents_for(spec, data)
        unknown = (self.left_out | set(self.attached)) - {
            d.id for c in spec.effective_cases() for d in c.documents
        }
        if unknown:
            ids = sorted({d.id for c in spec.effective_cases() for d in c.documents})
            raise StepFailed(
                f"{spec.code} has no document {sorted(unknown)}; documents: {', '.join(ids)}"
            )
        files = {d.id: sample_upload(d.accept) for d in found if d.id not in self.left_out}
        for doc_id, filename in self.attached.items():
            files[doc_id] = sample_upload((), filename)
        return files

    def documents_for(self, spec: ProcedureSpec, data: Mapping[str, Any]) -> tuple[Document, ...]:
        """The documents the dossier's case asks for given ``data`` (the first case's when the
        data is invalid)."""
        now = self.clock.now()
        procedure = self.registry.get(spec.code, spec.version)
        result = procedure.validate(dict(data), today=self.now_local().date(), now=now)
        if result.cleaned is None:
            case = procedure.cases[0].case
            return tuple(d for d in case.documents if d.required and d.when is None)
        picked = procedure.pick_case(result.cleaned, now=now)
        return procedure.documents_for(picked, result.cleaned, now=now)

    def submission_errors(self) -> list[dict[str, Any]]:
        """The field errors of the last submission (none when it was filed)."""
        response = self.last_response
        if response is None:
            raise StepFailed("nothing was submitted yet")
        if response.status_code == 201:
            return []
        body = response.json()
        if isinstance(body, list):
            return body
        return [{"loc": [], "code": body.get("code", "error"), "msg": body.get("msg", "")}]

    # ------------------------------------------------------------------ acting

    def perform(self, user: str, action: str, table: Table | None = None) -> dict[str, Any]:
        """``user`` takes ``action`` with the inputs of ``table``; fails when refused."""
        offered = self.actions(user)
        item = next((a for a in offered["items"] if a["id"] == action), None)
        inputs_spec: list[dict[str, Any]] = item["inputs"] if item else []
        try:
            texts = input_values(table, inputs_spec)
        except TableError as exc:
            raise StepFailed(f"{action}: {exc}") from None
        inputs: dict[str, Any] = {}
        for spec_input in inputs_spec:
            name, kind = spec_input["id"], spec_input["type"]
            if kind == "file":
                inputs[name] = sample_upload(("pdf",), texts.get(name))
            elif name in texts:
                inputs[name] = typed_input(kind, texts[name])
        body: dict[str, Any] = {"inputs": inputs}
        if user == APPLICANT and _is_supplement(action):  # the documents asked for
            body["documents"] = self._dossier_documents()
        return self._act(user, action, body, offered)

    def _act(
        self, user: str, action: str, body: dict[str, Any], offered: Mapping[str, Any]
    ) -> dict[str, Any]:
        dossier = self._current()
        response = self.client.post(
            f"/api/dossiers/{dossier.id}/actions/{action}", json=body, headers=self._headers(user)
        )
        self.last_response = response
        if response.status_code != 200:
            raise StepFailed(
                f"{user!r} could not perform {action!r}: {response.status_code} "
                f"{_problem(response)}\n{self.describe_actions(user, offered)}"
            )
        found: dict[str, Any] = response.json()
        return found

    def describe_actions(self, user: str, offered: Mapping[str, Any] | None = None) -> str:
        """The dossier's step and what ``user`` may do there, for failure messages."""
        offered = offered or self.actions(user)
        allowed = [a["id"] for a in offered["items"] if a["allowed"]]
        denied = [
            f"{a['id']} ({a['denial']['msg'] if a.get('denial') else 'not allowed'})"
            for a in offered["items"]
            if not a["allowed"]
        ]
        lines = [f"the dossier is at step {offered['step']!r}"]
        lines.append(f"{user!r} may perform: {', '.join(allowed) or 'nothing'}")
        if denied:
            lines.append(f"not now: {'; '.join(denied)}")
        return "\n".join(lines)

    def supplement(self) -> dict[str, Any]:
        """The applicant answers the supplement request with every document of the dossier."""
        offered = self.actions(APPLICANT)
        choices = [a for a in offered["items"] if a["allowed"] and a["id"] != "withdraw"]
        preferred = [a for a in choices if _is_supplement(a["id"])]
        picked = (preferred or choices)[:1]
        if not picked:
            raise StepFailed(
                "the applicant has no supplement to answer\n"
                + self.describe_actions(APPLICANT, offered)
            )
        body = {"inputs": {}, "documents": self._dossier_documents()}
        return self._act(APPLICANT, picked[0]["id"], body, offered)

    def _dossier_documents(self) -> dict[str, Any]:
        dossier = self.get_dossier()
        code, version = dossier["procedure"]["code"], dossier["procedure"]["version"]
        spec = self.registry.get(code, version).spec
        found = self.documents_for(spec, dossier["data"])
        return {d.id: sample_upload(d.accept) for d in found}

    # ------------------------------------------------------------------ time

    def pass_working_days(self, count: int) -> None:
        """Move the clock ``count`` working days on (same time of day), then run expiries."""
        local = self.now_local()
        day = self.calendar.shift_working_days(local.date(), count)
        self._move(local.replace(year=day.year, month=day.month, day=day.day))

    def pass_days(self, count: int) -> None:
        """Move the clock ``count`` calendar days on, then run expiries."""
        self._move(self.now_local() + dt.timedelta(days=count))

    def _move(self, local: dt.datetime) -> None:
        self.clock.set(local.astimezone(dt.UTC))
        self.service.run_expiries(self.clock.now())

    # ------------------------------------------------------------------ checks

    def local(self, iso: str) -> dt.datetime:
        """An API time (ISO 8601, UTC) in local time."""
        moment = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
        local: dt.datetime = self.calendar.local(moment)
        return local

    def local_date(self, iso: str | None) -> dt.date | None:
        """The local date of an API time."""
        return None if iso is None else self.local(iso).date()

    def timeliness(self) -> str:
        """``on time``, ``late`` or ``overdue``: a finished dossier against its legal due date
        (finishing early is on time), an open one against today."""
        dossier = self.get_dossier()
        if dossier["due_at"] is None:
            return "on time"  # no legal deadline: never late
        deadlines = self.service.deadlines
        due = self.local(dossier["due_at"])
        if dossier["completed_at"] is not None:
            done = self.local(dossier["completed_at"])
            late = deadlines.classify(done, due) is Timeliness.LATE
            return "late" if late else "on time"
        overdue = deadlines.live_status(due, self.clock.now()) is LiveStatus.OVERDUE
        return "overdue" if overdue else "on time"

    def tracking_page(self) -> str:
        """The tracking page's text, in the scenario's language."""
        from procgen.testing.wizard import HtmlPage

        dossier = self._current()
        response = self.client.get(
            f"/track/{dossier.number}",
            params={"secret": dossier.secret, "lang": self.language},
        )
        if response.status_code != 200:
            raise StepFailed(f"the tracking page answered {response.status_code}")
        page = HtmlPage(response.text)
        main = page.find_all("main")
        return main[0].clean_text if main else page.text()

    def history(self) -> list[str]:
        """The actions of the dossier's history, in order."""
        response = self.client.get(
            f"/api/dossiers/{self._current().id}/events", headers=self._headers(APPLICANT)
        )
        return [e["action"] for e in response.json()["items"]]


def _is_supplement(action: str) -> bool:
    """Whether an applicant's action answers a supplement request (by its id's wording)."""
    return "supplement" in action or "bo_sung" in action


def _problem(response: Any) -> str:
    try:
        body = response.json()
    except ValueError:
        return str(response.text)[:300]
    if isinstance(body, list):
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in body)
    if isinstance(body, dict) and "msg" in body:
        return str(body["msg"])
    return str(body)[:300]


def describe_errors(errors: Sequence[Mapping[str, Any]]) -> str:
    """Field errors, a line each."""
    return "\n".join(f"  {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors) or "  none"
