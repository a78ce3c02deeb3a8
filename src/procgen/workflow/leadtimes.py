"""Lead times: dates the applicant enters that must be far enough ahead of submission.

A case's ``lead_times`` say, for instance, that a drone flight must be applied for at least
7 working days before its first day. :func:`check_lead_times` checks every one of them when
the dossier is submitted and returns one :class:`LeadTimeProblem` per date that comes too
soon, with a message in Vietnamese and English giving the earliest allowed date::

    >>> from datetime import UTC, date, datetime
    >>> from procgen.spec.models import LeadTime, ResolvedCase
    >>> case = ResolvedCase(id="default", name="UAV", when=None, deadline=None, fee=0,
    ...     channels={}, documents=(), steps=(),
    ...     lead_times=(LeadTime(field="flight.start", at_least="7 working days"),))
    >>> submitted = datetime(2025, 4, 25, 3, 0, tzinfo=UTC)  # Friday 10:00 in Hà Nội
    >>> [problem] = check_lead_times(case, {"flight": {"start": "2025-05-07"}},
    ...     submitted_at=submitted)
    >>> problem.earliest  # 26/4 is a make-up working Saturday; 30/4-4/5 are days off
    datetime.date(2025, 5, 8)
    >>> print(problem.message.en)  # doctest: +NORMALIZE_WHITESPACE
    The date must be at least 7 working days after submission: the earliest allowed date is
    08/05/2025 (got 07/05/2025).

A date the applicant left empty is not a lead-time problem (the form reports a missing
required field); a value that is not a date is a :class:`~procgen.errors.ConfigurationError`,
since the form should have refused it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from procgen.errors import ConfigurationError
from procgen.spec.duration import Duration, DurationUnit
from procgen.spec.models import ResolvedCase
from procgen.spec.text import Text
from procgen.workflow.deadlines import Deadlines

__all__ = ["LeadTimeProblem", "check_lead_times", "date_at"]

_UNITS_VI = {
    DurationUnit.WORKING_DAYS: "ngày làm việc",
    DurationUnit.WORKING_HOURS: "giờ làm việc",
    DurationUnit.DAYS: "ngày",
    DurationUnit.HOURS: "giờ",
    DurationUnit.MONTHS: "tháng",
}


@dataclass(frozen=True)
class LeadTimeProblem:
    """A date the applicant entered too close to submission (the one lead-time error).

    Attributes:
        field: the dotted path of the date field, e.g. ``flight.start`` (empty when the
            date was checked on its own, by the deprecated ``Deadlines.check_lead_time``).
        requested: the date the applicant entered.
        earliest: the earliest date the lead time allows.
        lead: the lead time required.
        message: what to show the applicant, in both languages, with the earliest date.
    """

    field: str
    requested: date
    earliest: date
    lead: Duration
    message: Text


def date_at(data: Mapping[str, Any], path: str) -> date | None:
    """The date at the dotted ``path`` of dossier ``data``; None when it is absent or empty.

    Dates may be :class:`~datetime.date` objects or ISO strings (``2025-07-01``).

    Raises:
        ConfigurationError: when the value is there but is not a date.

    Example:
        >>> date_at({"flight": {"start": "2025-07-01"}}, "flight.start")
        datetime.date(2025, 7, 1)
    """
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        raise ConfigurationError(f"{path} must be a date, not a date and time (got {value!r})")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigurationError(
        f"{path} must be a date such as 2025-07-01 (got {value!r} that is a {type(value).__name__})"
    )


def check_lead_times(
    case: ResolvedCase,
    data: Mapping[str, Any],
    *,
    submitted_at: datetime,
    deadlines: Deadlines | None = None,
) -> tuple[LeadTimeProblem, ...]:
    """Check every lead time of ``case`` against the dates in ``data``, at submission.

    Args:
        case: the resolved case, whose ``lead_times`` are checked in order.
        data: the dossier's data, i.e. its cleaned payload (nested groups as mappings).
        submitted_at: when the dossier is submitted (timezone-aware).
        deadlines: the deployment's counting rules; the Vietnamese defaults when omitted.

    Returns:
        One problem per date that comes too soon, in the order of ``lead_times``; empty
        when every date is far enough ahead (or left empty).

    Raises:
        ConfigurationError: when ``submitted_at`` is naive or a value is not a date.
    """
    rules = deadlines if deadlines is not None else Deadlines()
    problems = []
    for lead in case.lead_times:
        requested = date_at(data, lead.field)
        if requested is None:
            continue
        problem = _check_lead_time(
            rules, submitted_at, requested, lead.at_least, field=lead.field, message=lead.message
        )
        if problem is not None:
            problems.append(problem)
    return tuple(problems)


def _check_lead_time(
    deadlines: Deadlines,
    submitted_at: datetime,
    requested: date,
    lead: Duration,
    *,
    field: str = "",
    message: Text | None = None,
) -> LeadTimeProblem | None:
    """None when ``requested`` respects ``lead``, else the problem."""
    earliest = deadlines.earliest_allowed(submitted_at, lead)
    if requested >= earliest:
        return None
    return LeadTimeProblem(
        field=field,
        requested=requested,
        earliest=earliest,
        lead=lead,
        message=_message(requested, earliest, lead, message),
    )


def _message(requested: date, earliest: date, lead: Duration, custom: Text | None) -> Text:
    day = f"{earliest:%d/%m/%Y}"
    got = f"{requested:%d/%m/%Y}"
    amount = format(lead.amount.normalize(), "f")
    default_en = (
        f"The date must be at least {lead} after submission: the earliest allowed date is "
        f"{day} (got {got})."
    )
    if custom is None:
        default_vi = (
            f"Ngày đăng ký phải sau ngày nộp hồ sơ ít nhất {amount} {_UNITS_VI[lead.unit]}: "
            f"ngày sớm nhất được phép là {day} (đã nhập {got})."
        )
        return Text(vi=default_vi, en=default_en)
    vi = f"{_sentence(custom.vi)} Ngày sớm nhất được phép là {day}."
    en = f"{_sentence(custom.en)} The earliest allowed date is {day}." if custom.en else default_en
    return Text(vi=vi, en=en)


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
