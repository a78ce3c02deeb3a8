"""Reusable lifecycles: the steps every dossier of a kind goes through, as plain spec data.

A spec that says ``pattern: one_stop`` writes only what is particular to it (usually the
processing steps, xử lý); :func:`expand` adds the one-stop-shop (một cửa) lifecycle around
them: intake, supplement requests, transfers to other agencies, result, refusal, withdrawal,
each step carrying its national status code (docs/domain.md §3.1).

How a spec's steps merge with a pattern (``expand`` applies these rules, in this order):

1. **Override by id.** A spec step whose id is a pattern step's id changes that step: the keys
   the spec writes replace the pattern's; its actions are merged by id (a spec action replaces
   the pattern action of the same id, new ones are appended). If the spec makes the step final,
   the pattern's actions are dropped. The step keeps the pattern's position.
2. **Own steps go in the processing slot.** Spec steps with new ids replace the pattern's
   ``processing`` step, in the spec's order. The first of them is the *processing entry*:
   every action or ``on_expiry`` that targets ``processing`` (in the pattern or the spec) is
   retargeted to it. A spec with no own steps (or one that overrides ``processing``) keeps the
   pattern's ``processing`` step, so ``pattern: one_stop`` alone is a complete workflow.
3. **Spec steps may target pattern steps** (``to: refused``, ``to: result_ready``, ...).
4. **Withdrawal.** The applicant's ``withdraw`` action is added to every non-final step that
   can be reached from the initial step without passing a step that ``completes`` (that is,
   before a result exists: Decree 118 art. 21), unless the step already has a ``withdraw``.
5. **Apology.** The officer's ``apologise`` action (form 04: a reason and a new appointment
   date; ``reschedules``) is added, as a loop back to the same step, to every step of rule 4
   whose clock runs and whose actor is an officer, unless the step already has one. The
   workflow offers it only when the dossier is about to be late or already late.
6. **Status.** A step with no ``status`` gets one: final steps by their outcome, steps that
   complete 9 (result ready), others 4 (in processing).
7. **Pruning.** Pattern steps that cannot be reached from the initial step are left out (a spec
   that never transfers has no ``transferred`` step). Spec steps are never left out.

    >>> [s.id for s in expand((), "one_stop")][:3]
    ['received', 'processing', 'awaiting_supplement']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from procgen.errors import ProcgenError
from procgen.spec.graph import reachable
from procgen.spec.models import (
    BUILTIN_ROLES,
    Action,
    ClockMode,
    NationalStatus,
    Outcome,
    Role,
    Step,
)
from procgen.spec.text import Text

__all__ = ["ONE_STOP", "PATTERNS", "Pattern", "UnknownPatternError", "expand"]


class UnknownPatternError(ProcgenError, ValueError):
    """A spec names a pattern that does not exist."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown pattern {name!r}; patterns: {', '.join(sorted(PATTERNS))}")
        self.name = name


#: The status a step without one gets, by its outcome (rule 6).
_OUTCOME_STATUS: Mapping[Outcome, NationalStatus] = MappingProxyType(
    {
        Outcome.APPROVED: NationalStatus.DONE,
        Outcome.REFUSED: NationalStatus.DONE,
        Outcome.NOT_ACCEPTED: NationalStatus.DENIED,
        Outcome.WITHDRAWN: NationalStatus.CANCELLED,
        Outcome.STOPPED: NationalStatus.UNRESOLVED,
    }
)


@dataclass(frozen=True)
class Pattern:
    """A reusable lifecycle.

    Attributes:
        id: the name a spec gives in ``pattern``.
        label: what the lifecycle is.
        steps: the pattern's steps, the initial one first.
        entry: the step that a spec's own steps replace (rule 2).
        withdraw: the action added to steps before the result (rule 4), if any.
        apologise: the apology action added to officers' steps before the result (rule 5).
        roles: the roles the pattern's steps use besides the built-in ones.
    """

    id: str
    label: Text
    steps: tuple[Step, ...]
    entry: str
    withdraw: Action | None = None
    apologise: Action | None = None
    roles: tuple[Role, ...] = ()

    def expand(self, steps: Iterable[Step]) -> tuple[Step, ...]:
        """The pattern with ``steps`` merged in; see the module docstring for the rules."""
        spec = tuple(steps)
        ours = {s.id for s in self.steps}
        overrides = {s.id: s for s in spec if s.id in ours}
        own = [s for s in spec if s.id not in ours]
        keep_entry = self.entry in overrides or not own
        entry = self.entry if keep_entry else own[0].id
        result: list[Step] = []
        for base in self.steps:
            if base.id != self.entry or keep_entry:
                result.append(_merge(base, overrides.get(base.id)))
            if base.id == self.entry:
                result.extend(own)
        if entry != self.entry:
            result = [_retarget(s, self.entry, entry) for s in result]
        if self.withdraw is not None:
            result = _add_withdraw(result, self.withdraw)
        if self.apologise is not None:
            result = _add_apology(result, self.apologise)
        result = [_with_status(s) for s in result]
        kept = reachable(result)
        return tuple(s for s in result if s.id in kept or s.id not in ours)


def _merge(base: Step, override: Step | None) -> Step:
    if override is None:
        return base
    update: dict[str, Any] = {
        name: getattr(override, name) for name in override.model_fields_set - {"id", "actions"}
    }
    written = {a.id: a for a in override.actions}
    actions = [written.pop(a.id, a) for a in base.actions] + list(written.values())
    if update.get("outcome") is not None:  # made final: the pattern's actions cannot apply
        actions = list(override.actions)
    return base.model_copy(update={**update, "actions": tuple(actions)})


def _retarget(step: Step, old: str, new: str) -> Step:
    actions = tuple(a.model_copy(update={"to": new}) if a.to == old else a for a in step.actions)
    expiry = new if step.on_expiry == old else step.on_expiry
    return step.model_copy(update={"actions": actions, "on_expiry": expiry})


def _add_withdraw(steps: list[Step], withdraw: Action) -> list[Step]:
    before = reachable(steps, stop=lambda s: s.completes)
    return [
        s.model_copy(update={"actions": (*s.actions, withdraw)})
        if s.id in before and not s.final and all(a.id != withdraw.id for a in s.actions)
        else s
        for s in steps
    ]


def _add_apology(steps: list[Step], apologise: Action) -> list[Step]:
    before = reachable(steps, stop=lambda s: s.completes)

    def officers(step: Step) -> bool:
        return step.role is not None and step.role not in BUILTIN_ROLES

    return [
        s.model_copy(update={"actions": (*s.actions, apologise.model_copy(update={"to": s.id}))})
        if s.id in before
        and not s.final
        and s.clock is ClockMode.RUNNING
        and officers(s)
        and all(a.id != apologise.id for a in s.actions)
        else s
        for s in steps
    ]


def _with_status(step: Step) -> Step:
    if step.status is not None:
        return step
    if step.outcome is not None:
        status = _OUTCOME_STATUS[step.outcome]
    else:
        status = NationalStatus.RELEASING if step.completes else NationalStatus.PROCESSING
    return step.model_copy(update={"status": status})


def _step(data: dict[str, Any]) -> Step:
    return Step.model_validate(data)


def _text(vi: str, en: str) -> dict[str, str]:
    return {"vi": vi, "en": en}


#: The one-stop-shop (một cửa) lifecycle: Decree 118/2025, national status catalogue.
ONE_STOP = Pattern(
    id="one_stop",
    label=Text(vi="Quy trình một cửa", en="One-stop-shop lifecycle"),
    entry="processing",
    roles=(
        Role(id="reception", label=Text(vi="Bộ phận Một cửa", en="One-stop desk")),
        Role(id="processor", label=Text(vi="Chuyên viên xử lý", en="Processing officer")),
    ),
    withdraw=Action.model_validate(
        {
            "id": "withdraw",
            "label": _text("Rút hồ sơ", "Withdraw the dossier"),
            "to": "withdrawn",
            "role": "applicant",
            "requires": ["reason"],
        }
    ),
    apologise=Action.model_validate(
        {
            "id": "apologise",
            "label": _text(
                "Xin lỗi và hẹn lại ngày trả kết quả", "Apologise and set a new appointment"
            ),
            "to": "processing",  # replaced by the step it is added to
            "requires": ["reason", "new_appointment"],
            "reschedules": True,
        }
    ),
    steps=tuple(
        _step(data)
        for data in (
            {
                "id": "received",
                "label": _text("Tiếp nhận hồ sơ", "Intake"),
                "role": "reception",
                "status": NationalStatus.NEW,
                "actions": [
                    {"id": "accept", "to": "processing", "label": _text("Tiếp nhận", "Accept")},
                    {
                        "id": "request_supplement",
                        "to": "awaiting_supplement",
                        "requires": ["reason"],
                        "label": _text("Yêu cầu bổ sung", "Request a supplement"),
                    },
                    {
                        "id": "not_accept",
                        "to": "not_accepted",
                        "requires": ["reason"],
                        "label": _text("Từ chối tiếp nhận", "Do not accept"),
                    },
                ],
            },
            {
                "id": "processing",
                "label": _text("Đang xử lý", "In processing"),
                "role": "processor",
                "status": NationalStatus.PROCESSING,
                "actions": [
                    {
                        "id": "approve",
                        "to": "result_ready",
                        "requires": ["decision_number", "decision_date", "result_document"],
                        "label": _text("Phê duyệt", "Approve"),
                    },
                    {
                        "id": "refuse",
                        "to": "refused",
                        "requires": ["reason"],
                        "label": _text("Từ chối giải quyết", "Refuse"),
                    },
                    {
                        "id": "request_supplement",
                        "to": "awaiting_supplement",
                        "requires": ["reason"],
                        "label": _text("Yêu cầu bổ sung", "Request a supplement"),
                    },
                    {
                        "id": "transfer",
                        "to": "transferred",
                        "requires": ["note"],
                        "label": _text("Chuyển liên thông", "Transfer to another agency"),
                    },
                ],
            },
            {
                "id": "awaiting_supplement",
                "label": _text("Chờ bổ sung hồ sơ", "Awaiting a supplement"),
                "role": "applicant",
                "status": NationalStatus.WAITING,
                "clock": "paused",
                "deadline": "3 months",
                "on_expiry": "stopped",
                "actions": [
                    {
                        "id": "supplement",
                        "to": "received",
                        "label": _text("Nộp bổ sung", "Submit the supplement"),
                    },
                ],
            },
            {
                "id": "transferred",
                "label": _text("Liên thông xử lý", "Transferred to another agency"),
                "role": "reception",
                "status": NationalStatus.INTEROPERATING,
                "actions": [
                    {
                        "id": "receive_back",
                        "to": "processing",
                        "label": _text("Nhận lại hồ sơ", "Receive back"),
                    },
                ],
            },
            {
                "id": "result_ready",
                "label": _text("Đã có kết quả", "Result ready"),
                "role": "reception",
                "status": NationalStatus.RELEASING,
                "completes": True,
                "actions": [
                    {
                        "id": "return_result",
                        "to": "result_returned",
                        "label": _text("Trả kết quả", "Return the result"),
                    },
                ],
            },
            {
                "id": "result_returned",
                "label": _text("Đã trả kết quả", "Result returned"),
                "status": NationalStatus.DONE,
                "outcome": Outcome.APPROVED,
            },
            {
                "id": "refused",
                "label": _text("Từ chối giải quyết", "Refused"),
                "status": NationalStatus.DONE,
                "outcome": Outcome.REFUSED,
            },
            {
                "id": "not_accepted",
                "label": _text("Không được tiếp nhận", "Not accepted"),
                "status": NationalStatus.DENIED,
                "outcome": Outcome.NOT_ACCEPTED,
            },
            {
                "id": "withdrawn",
                "label": _text("Công dân rút hồ sơ", "Withdrawn by the applicant"),
                "status": NationalStatus.CANCELLED,
                "outcome": Outcome.WITHDRAWN,
            },
            {
                "id": "stopped",
                "label": _text("Dừng xử lý", "Processing stopped"),
                "status": NationalStatus.UNRESOLVED,
                "outcome": Outcome.STOPPED,
            },
        )
    ),
)

#: The patterns a spec can name in ``pattern``.
PATTERNS: Mapping[str, Pattern] = MappingProxyType({ONE_STOP.id: ONE_STOP})


def expand(steps: tuple[Step, ...], pattern: str | None) -> tuple[Step, ...]:
    """A case's steps with its pattern's lifecycle merged in.

    Args:
        steps: the case's own steps, as written.
        pattern: the spec's ``pattern``; ``None`` returns ``steps`` unchanged.

    Raises:
        UnknownPatternError: when ``pattern`` is not in :data:`PATTERNS`.
    """
    if pattern is None:
        return steps
    if pattern not in PATTERNS:
        raise UnknownPatternError(pattern)
    return PATTERNS[pattern].expand(steps)
