"""The procedure spec language: typed, immutable models.

A procedure is authored in YAML (one file under ``definitions/``) or built in Python with these
same models. The structure follows the national catalogue (docs/domain.md §2)::

    ProcedureSpec                 identity and catalogue data, fields, documents, roles
      ├── fields: Field*          the applicant's form (groups and lists nest Fields)
      ├── documents: Document*    dossier components (thành phần hồ sơ)
      ├── steps: Step*            the states of a dossier; each has Actions
      └── cases: Case*            trường hợp: each may override documents, deadline, fees, steps

A procedure with a single case writes its documents, deadline, fees and steps at the top level;
:meth:`ProcedureSpec.effective_cases` resolves inheritance for procedures with several cases.

Pydantic checks the shape of each model; cross-references (a step naming an unknown role, a CEL
expression naming an unknown field, ...) are checked by :mod:`procgen.spec.check`, which knows
the whole procedure and reports every problem at once.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Annotated, Any

from pydantic import (
    ByteSize,
    GetJsonSchemaHandler,
    JsonValue,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic import (
    Field as PField,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from procgen.spec.duration import JSON_PATTERN as DURATION_PATTERN
from procgen.spec.duration import Duration
from procgen.spec.text import SpecModel, Text

__all__ = [
    "BUILTIN_FIELD_TYPES",
    "BUILTIN_ROLES",
    "Action",
    "Agency",
    "AnnualDate",
    "Case",
    "Channel",
    "ChannelTerms",
    "ClockMode",
    "Deadline",
    "Decision",
    "Document",
    "Expr",
    "Extension",
    "Field",
    "FieldPath",
    "FormTemplate",
    "Identifier",
    "LeadTime",
    "LegalDocument",
    "Level",
    "Money",
    "NationalStatus",
    "OnlineLevel",
    "Option",
    "Outcome",
    "Page",
    "ProcedureSpec",
    "ResolvedCase",
    "Result",
    "Role",
    "Rule",
    "Sector",
    "Step",
    "Subject",
]

#: Identifiers are CEL-friendly snake_case names.
Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^[a-z][a-z0-9_]*$",
            "maxLength": 64,
            "description": "An identifier: lower-case letters, digits and _, "
            "starting with a letter.",
        }
    ),
]

#: A condition in the Common Expression Language (CEL), compiled when the spec is loaded.
Expr = Annotated[
    str,
    StringConstraints(min_length=1),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "description": (
                "A CEL expression over the declared fields (and today, now; guards also "
                "input, roles); "
                'e.g. "has_cargo && cargo_weight > 25.0".'
            ),
        }
    ),
]

#: A dotted path to a field, e.g. ``applicant.full_name``.
FieldPath = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$"),
]

#: Money in Vietnamese đồng: a whole, non-negative number.
Money = Annotated[int, PField(ge=0, description="An amount in VND (whole đồng).")]

#: Field types every procgen installation knows; developers register more (see forms issue).
BUILTIN_FIELD_TYPES: tuple[str, ...] = (
    "text",
    "textarea",
    "integer",
    "decimal",
    "money",
    "date",
    "datetime",
    "boolean",
    "choice",
    "multichoice",
    "email",
    "phone",
    "citizen_id",
    "tax_code",
    "address",
    "file",
    "group",
    "list",
)

#: Roles that exist in every procedure: the person who applied, and the service itself
#: (for automatic transitions such as an expired supplement deadline).
BUILTIN_ROLES: tuple[str, ...] = ("applicant", "system")


def _string_or_object(
    handler: GetJsonSchemaHandler, schema: core_schema.CoreSchema, string: JsonSchemaValue
) -> JsonSchemaValue:
    return {"anyOf": [string, handler(schema)]}


# --------------------------------------------------------------------------- enumerations


class Level(StrEnum):
    """Cấp thực hiện: the level of government that implements the procedure."""

    CENTRAL = "central"
    MINISTRY = "ministry"
    PROVINCE = "province"
    COMMUNE = "commune"
    UNIT = "unit"


class OnlineLevel(StrEnum):
    """Decree 42/2022: fully online (toàn trình) or partly online (một phần)."""

    FULL = "full"
    PARTIAL = "partial"


class Subject(StrEnum):
    """Đối tượng thực hiện."""

    CITIZEN = "citizen"
    ORGANISATION = "organisation"
    UNIT = "unit"


class Channel(StrEnum):
    """Cách thức thực hiện: how a dossier is filed."""

    DIRECT = "direct"
    ONLINE = "online"
    POSTAL = "postal"


class ClockMode(StrEnum):
    """Whether the legal clock runs while a dossier is in a step."""

    RUNNING = "running"
    PAUSED = "paused"


class Outcome(StrEnum):
    """How a dossier ended; every final step carries one."""

    APPROVED = "approved"
    REFUSED = "refused"
    NOT_ACCEPTED = "not_accepted"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"


class NationalStatus(IntEnum):
    """The national dossier status codes of the DVCQG portal (docs/domain.md §3.1)."""

    INTEROPERATING = 0
    RECEIVING = 1
    NEW = 2
    DENIED = 3
    PROCESSING = 4
    WAITING = 5
    PAYING = 6
    CANCELLED = 7
    UNRESOLVED = 8
    RELEASING = 9
    DONE = 10


# --------------------------------------------------------------------------- catalogue data


class _IdShorthand(SpecModel):
    """A model for which a plain string may be written: the string is its ``id``."""

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        return {"id": data} if isinstance(data, str) else data

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return _string_or_object(handler, schema, {"type": "string"})


class Sector(_IdShorthand):
    """Lĩnh vực: the field a procedure belongs to. A plain string is taken as its id."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    """A short id for the sector (lower-case, dashes), e.g. `military-service`."""
    name: Text | None = None
    """The sector's name (Lĩnh vực), e.g. Nghĩa vụ quân sự."""


class Agency(SpecModel):
    """A government agency; ``id`` is its electronic identifier, used in dossier numbers."""

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9.]*$")] | None = None
    """The agency's electronic identifier (mã định danh điện tử), used in dossier numbers."""
    name: Text
    """The agency's name."""


class Decision(SpecModel):
    """The decision that published the procedure (quyết định công bố)."""

    number: Annotated[str, StringConstraints(min_length=1)]
    """The decision's number, e.g. `6184/QĐ-BQP`."""
    date: dt.date | None = None
    """The date it was signed."""
    issuer: Text | None = None
    """Who issued it."""


class LegalDocument(SpecModel):
    """A legal basis (căn cứ pháp lý): kept as data because the law changes."""

    number: Annotated[str, StringConstraints(min_length=1)]
    """The document's number, e.g. `288/2025/NĐ-CP`."""
    title: Text
    """Its title."""
    date: dt.date
    """The date it was issued."""
    issuer: Text | None = None
    """The issuing body."""


class Result(SpecModel):
    """A possible result of the procedure (kết quả); several are alternatives."""

    id: Identifier
    """An id for this result."""
    label: Text
    """What the applicant receives, e.g. a permit or a refusal letter."""
    template: FormTemplate | None = None
    """The form of the result paper, if it has one."""


class FormTemplate(SpecModel):
    """A form template (mẫu đơn, tờ khai) such as ``ĐK 01-A``."""

    code: Annotated[str, StringConstraints(min_length=1)]
    """The form's code, e.g. `ĐK 01-A`."""
    label: Text | None = None
    """The form's name."""
    url: str | None = None
    """Where the blank form can be downloaded."""


Result.model_rebuild()


# --------------------------------------------------------------------------- the form


class Option(SpecModel):
    """A choice's option. A plain string is both value and (Vietnamese) label."""

    value: Annotated[str, StringConstraints(min_length=1)]
    """The value stored when this option is chosen."""
    label: Text
    """The text shown for this option."""

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        return {"value": data, "label": data} if isinstance(data, str) else data

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return _string_or_object(handler, schema, {"type": "string", "minLength": 1})


class Rule(SpecModel):
    """A cross-field check: ``check`` must be true, else ``message`` is shown on ``fields``."""

    check: Expr
    """A CEL condition that must be true, e.g. `end_date >= start_date`."""
    message: Text
    """The message shown when the check fails."""
    fields: tuple[FieldPath, ...] = ()
    """The fields (dotted paths) the message is shown on; default: the field the rule belongs to, or
    the whole form.
    """


class Field(SpecModel):
    """A form field. ``group`` and ``list`` nest ``fields``; ``list`` repeats them.

    Attributes apply by type: ``options`` to choice/multichoice, ``min_length``/``max_length``/
    ``pattern`` to texts, ``minimum``/``maximum`` to numbers and dates, ``min_items``/
    ``max_items`` to list and multichoice, ``accept``/``max_size`` to file.
    """

    id: Identifier
    """The field's id: the key in the submitted data and the name conditions use."""
    type: Annotated[
        str,
        WithJsonSchema(
            {
                "anyOf": [
                    {"enum": list(BUILTIN_FIELD_TYPES)},
                    {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"},
                ],
                "description": "A built-in field type or one registered by the deployment.",
            }
        ),
    ] = "text"
    """The field type: text, textarea, integer, decimal, money, date, datetime, boolean, choice,
    multichoice, email, phone, citizen_id, tax_code, address, file, group, list, or a type
    registered by the deployment.
    """
    label: Text
    """The question or label shown to the applicant."""
    help: Text | None = None
    """Hint text shown under the label."""
    placeholder: Text | None = None
    """Example text shown in an empty input."""
    required: bool = False
    """Whether the applicant must answer (a field hidden by `when` is never required)."""
    default: JsonValue = None
    """The value the field starts with."""
    min_length: Annotated[int, PField(ge=0)] | None = None
    """Fewest characters (text types)."""
    max_length: Annotated[int, PField(ge=1)] | None = None
    """Most characters (text types)."""
    pattern: str | None = None
    """A regular expression the whole value must match (text types)."""
    minimum: Decimal | dt.date | None = None
    """Lowest value (numbers, money, dates)."""
    maximum: Decimal | dt.date | None = None
    """Highest value (numbers, money, dates)."""
    min_items: Annotated[int, PField(ge=0)] | None = None
    """Fewest rows (list) or choices (multichoice)."""
    max_items: Annotated[int, PField(ge=1)] | None = None
    """Most rows (list) or choices (multichoice)."""
    options: tuple[Option, ...] = ()
    """The options of a choice or multichoice field."""
    accept: tuple[str, ...] = ()
    """Accepted file types by extension, e.g. `[pdf, jpg]` (file fields)."""
    max_size: ByteSize | None = None
    """Largest file, e.g. `10MB` (file fields)."""
    fields: tuple[Field, ...] = ()
    """The nested fields of a group, or of each row of a list."""
    when: Expr | None = None
    """A CEL condition: the field is shown (and can be required) only when it is true."""
    rules: tuple[Rule, ...] = ()
    """Cross-field checks run after each value is valid on its own."""

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise PydanticCustomError(
                    "bad_pattern",
                    f"the pattern {value!r} is not a valid regular expression: {exc}",
                ) from exc
        return value

    def walk(self, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Field]]:
        """Yield ``(path, field)`` for this field and every nested field, depth first."""
        path = (*prefix, self.id)
        yield path, self
        for child in self.fields:
            yield from child.walk(path)


class Page(SpecModel):
    """A page of a multi-page form: a title and the top-level fields it shows, in order."""

    id: Identifier
    """The page's id."""
    title: Text
    """The page's title."""
    fields: tuple[Identifier, ...] = PField(min_length=1)
    """The top-level fields shown on this page, in order."""


class Document(SpecModel):
    """A dossier component (thành phần hồ sơ) the applicant attaches."""

    id: Identifier
    """The document's id."""
    label: Text
    """The document's name as in the catalogue."""
    help: Text | None = None
    """Guidance for the applicant."""
    required: bool = True
    """Whether the document must be attached."""
    when: Expr | None = None
    """A CEL condition: the document is required only when it is true."""
    originals: Annotated[int, PField(ge=0)] = 1
    """Number of originals (bản chính)."""
    copies: Annotated[int, PField(ge=0)] = 0
    """Number of copies (bản sao)."""
    template: FormTemplate | None = None
    """The form template (mẫu đơn, tờ khai) to fill in, if any."""
    accept: tuple[str, ...] = ("pdf", "jpg", "png")
    """Accepted file types by extension."""
    max_size: ByteSize = ByteSize(10 * 1024 * 1024)
    """Largest file, e.g. `10MB`."""
    max_files: Annotated[int, PField(ge=1)] = 1
    """How many files may be attached."""
    data_store: bool = False
    """Whether an electronic copy from the national data store may replace it."""
    national_code: str | None = None
    """The document's code in the national document repository."""


# --------------------------------------------------------------------------- deadlines


class AnnualDate(SpecModel):
    """A date that recurs every year, written ``25/06`` (day/month)."""

    day: Annotated[int, PField(ge=1, le=31)]
    """Day of the month."""
    month: Annotated[int, PField(ge=1, le=12)]
    """Month of the year."""

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        if isinstance(data, str):
            match = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})\s*", data)
            if match is None:
                raise PydanticCustomError(
                    "bad_date", f"write a yearly date as day/month, e.g. '25/06', not {data!r}"
                )
            return {"day": int(match[1]), "month": int(match[2])}
        return data

    @model_validator(mode="after")
    def _exists(self) -> AnnualDate:
        try:
            dt.date(2024, self.month, self.day)  # a leap year admits 29/02
        except ValueError as exc:
            raise PydanticCustomError(
                "bad_date", f"{self.day:02d}/{self.month:02d} is not a date"
            ) from exc
        return self

    def __str__(self) -> str:
        return f"{self.day:02d}/{self.month:02d}"


class Deadline(SpecModel):
    """A legal or internal time limit, in one of the forms the law uses.

    Exactly one of:

    - ``within``: a duration from receipt (``7 working days``, ``4 working hours``, ``30 days``);
    - ``same_day``: handled the day it is received; after ``cutoff`` (default 15:00) it is due
      the next working day;
    - ``by``: a fixed date every year (``25/06``);
    - ``before``: before a date the applicant enters (a field of type date).

    In YAML a string is enough: ``7 working days``, ``same day``, ``by 25/06``.
    """

    within: Duration | None = None
    """A duration from receipt, e.g. `7 working days`."""
    same_day: bool = False
    """Handled on the day of receipt."""
    cutoff: dt.time | None = None
    """For same-day procedures: dossiers received after this time (default 15:00) are due the next
    working day.
    """
    by: AnnualDate | None = None
    """A fixed date every year, written day/month, e.g. `25/06`."""
    before: FieldPath | None = None
    """Due before the date the applicant enters in this field."""

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        if not isinstance(data, str):
            return data
        text = " ".join(data.lower().split())
        if text in ("same day", "trong ngày"):
            return {"same_day": True}
        for prefix in ("by ", "trước ngày ", "hạn "):
            if text.startswith(prefix):
                return {"by": data.strip()[len(prefix) :]}
        return {"within": data}

    @model_validator(mode="after")
    def _exactly_one(self) -> Deadline:
        forms = [
            name
            for name, present in (
                ("within", self.within is not None),
                ("same_day", self.same_day),
                ("by", self.by is not None),
                ("before", self.before is not None),
            )
            if present
        ]
        if len(forms) != 1:
            raise PydanticCustomError(
                "bad_deadline",
                "a deadline needs exactly one of within, same_day, by, before; got "
                + (", ".join(forms) or "none"),
            )
        if self.cutoff is not None and not self.same_day:
            raise PydanticCustomError("bad_deadline", "cutoff applies only to same_day deadlines")
        return self

    def __str__(self) -> str:
        if self.within is not None:
            return str(self.within)
        if self.same_day:
            return "same day" + (f" (cut-off {self.cutoff:%H:%M})" if self.cutoff else "")
        if self.by is not None:
            return f"by {self.by}"
        return f"before {self.before}"

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return _string_or_object(
            handler,
            schema,
            {
                "type": "string",
                "anyOf": [
                    {"pattern": DURATION_PATTERN},
                    {"pattern": r"^\s*(same day|trong ngày)\s*$"},
                    {"pattern": r"^\s*(by|trước ngày|hạn)\s+\d{1,2}/\d{1,2}\s*$"},
                ],
                "description": "'7 working days', '4 working hours', '30 days', 'same day', "
                "or 'by 25/06'.",
                "examples": ["7 working days", "same day", "by 25/06"],
            },
        )


class LeadTime(SpecModel):
    """An applicant-entered date must be at least ``at_least`` after submission."""

    field: FieldPath
    """The date field the applicant fills in (e.g. the flight date)."""
    at_least: Duration
    """How long after submission that date must be, e.g. `7 working days`."""
    message: Text | None = None
    """The message shown when the date is too early (the earliest allowed date is added)."""


class Extension(SpecModel):
    """An action that extends the legal deadline by ``by``, at most ``times`` times."""

    by: Duration
    """How much each extension adds, e.g. `30 days`."""
    times: Annotated[int, PField(ge=1)] = 1
    """How many times the deadline may be extended."""


class ChannelTerms(SpecModel):
    """Processing time and fee for one channel (trực tiếp, trực tuyến, bưu chính)."""

    fee: Money | None = None
    """The fee for this channel, in VND."""
    processing_time: Duration | None = None
    """The processing time for this channel, if it differs."""
    description: Text | None = None
    """Notes on this channel."""


# --------------------------------------------------------------------------- the workflow


class Role(_IdShorthand):
    """Who may act. A plain string is taken as the role's id."""

    id: Identifier
    """The role's id, used by steps and actions."""
    label: Text | None = None
    """The role's name."""


class Action(SpecModel):
    """Something an actor does to a dossier in a step, moving it to step ``to``.

    ``requires`` names built-in inputs (``reason``, ``note``, ``decision_number``,
    ``decision_date``, ``result_document``, ``new_appointment``); ``inputs`` declares others
    as form fields. ``when`` is a guard over the dossier's fields, ``input`` (the action's
    inputs), ``roles`` (the actor's roles), ``today`` and ``now``.
    """

    id: Identifier
    """The action's id (unique in its step)."""
    label: Text | None = None
    """The button text."""
    to: Identifier
    """The step the dossier moves to."""
    role: Identifier | None = None
    """Who may take this action, if not the step's role."""
    when: Expr | None = None
    """A CEL guard: the action is offered only when it is true."""
    requires: tuple[Identifier, ...] = ()
    """Built-in inputs the actor must give: reason, note, decision_number, decision_date,
    result_document, new_appointment.
    """
    inputs: tuple[Field, ...] = ()
    """Other inputs the actor must give, declared like form fields."""
    extends: Extension | None = None
    """This action extends the legal deadline."""
    reschedules: bool = False
    """This action sets a new appointment date (apology letter, form 04)."""


class Step(SpecModel):
    """A state of a dossier: who acts, how long they have, and what they can do.

    A step with an ``outcome`` is final: the dossier ends there. ``clock: paused`` stops the
    legal clock while the dossier waits (e.g. for a supplement). ``on_expiry`` names the step
    the dossier moves to when the step's ``deadline`` passes with no action (a deadline on the
    applicant). ``completes`` marks the step where the result is ready: entering it is the
    completion time used to classify the dossier early, on time or late.
    """

    id: Identifier
    """The step's id."""
    label: Text | None = None
    """The step's name, as the applicant sees it in tracking."""
    role: Identifier | None = None
    """Who acts in this step."""
    agency: Text | None = None
    """The agency that handles this step, when several take part (liên thông)."""
    deadline: Deadline | None = None
    """How long the step may take, from entering it (internal steps: often working hours)."""
    clock: ClockMode = ClockMode.RUNNING
    """`running` or `paused`: whether the legal deadline runs during this step."""
    status: NationalStatus | None = None
    """The national status code this step maps to (0-10, see docs)."""
    outcome: Outcome | None = None
    """Makes the step final: approved, refused, not_accepted, withdrawn or stopped."""
    completes: bool = False
    """Entering this step means the result is ready (for on-time statistics)."""
    on_expiry: Identifier | None = None
    """The step the dossier moves to when this step's deadline passes with no action."""
    actions: tuple[Action, ...] = ()
    """What the actor can do in this step."""

    @property
    def final(self) -> bool:
        """True when the dossier ends in this step."""
        return self.outcome is not None


# --------------------------------------------------------------------------- procedure


class Case(SpecModel):
    """A case (trường hợp): a variant with its own documents, deadline, fees or workflow.

    Anything a case leaves out is inherited from the procedure.
    """

    id: Identifier
    """The case's id."""
    name: Text
    """The case's name (trường hợp)."""
    when: Expr | None = None
    """A CEL condition choosing this case from the applicant's answers."""
    deadline: Deadline | None = None
    """The legal deadline of this case."""
    fee: Money | None = None
    """The fee of this case, in VND."""
    channels: dict[Channel, ChannelTerms] | None = None
    """Fee and time per channel."""
    documents: tuple[Document, ...] | None = None
    """The documents of this case."""
    lead_times: tuple[LeadTime, ...] | None = None
    """Dates the applicant enters that must be far enough ahead."""
    steps: tuple[Step, ...] | None = None
    """The workflow of this case."""


class ResolvedCase(SpecModel):
    """A case with everything inherited from its procedure filled in."""

    id: str
    name: Text
    when: str | None
    deadline: Deadline | None
    fee: int
    channels: dict[Channel, ChannelTerms]
    documents: tuple[Document, ...]
    lead_times: tuple[LeadTime, ...]
    steps: tuple[Step, ...]

    def step(self, step_id: str) -> Step:
        """The step called ``step_id``.

        Raises:
            KeyError: when the case has no such step.
        """
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)


class ProcedureSpec(SpecModel):
    """A whole procedure: the single source of truth every artefact is generated from."""

    code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=64)]
    """The procedure's stable code, used in URLs (e.g. `BQP-NVQS-01`)."""
    catalogue_code: Annotated[str, StringConstraints(pattern=r"^\d\.\d{6}$")] | None = None
    """The national catalogue code (mã thủ tục), pattern `d.dddddd`."""
    version: Annotated[int, PField(ge=1)] = 1
    """The spec's version; dossiers stay on the version they were submitted under."""
    name: Text
    """The procedure's name."""
    summary: Text | None = None
    """A one-paragraph description for the catalogue."""
    decision: Decision | None = None
    """The decision that published the procedure."""
    sector: Sector
    """The sector (lĩnh vực)."""
    level: Level
    """The level of government: central, ministry, province, commune or unit."""
    agency: Agency
    """The implementing agency (cơ quan thực hiện)."""
    deciding_agency: Agency | None = None
    """The agency that decides, if different."""
    coordinating_agencies: tuple[Agency, ...] = ()
    """Agencies that coordinate."""
    online: OnlineLevel = OnlineLevel.FULL
    """`full` (toàn trình) or `partial` (một phần)."""
    subjects: tuple[Subject, ...] = PField(default=(Subject.CITIZEN,), min_length=1)
    """Who may apply: citizen, organisation, unit."""
    conditions: tuple[Text, ...] = ()
    """Conditions the applicant must meet."""
    legal_basis: tuple[LegalDocument, ...] = ()
    """The legal documents the procedure rests on."""
    results: tuple[Result, ...] = ()
    """The possible results (alternatives)."""
    roles: tuple[Role, ...] = ()
    """The roles that act on dossiers (applicant and system are built in)."""
    fields: tuple[Field, ...] = ()
    """The form the applicant fills in."""
    pages: tuple[Page, ...] = ()
    """Split the form into pages (fields not listed go on a last page)."""
    rules: tuple[Rule, ...] = ()
    """Cross-field checks on the whole form."""
    documents: tuple[Document, ...] = ()
    """The documents to attach (thành phần hồ sơ)."""
    deadline: Deadline | None = None
    """The legal deadline (thời hạn giải quyết), counted from receipt."""
    fee: Money = 0
    """The fee, in VND."""
    channels: dict[Channel, ChannelTerms] = PField(default_factory=dict)
    """Fee and processing time per channel (direct, online, postal), where they differ."""
    lead_times: tuple[LeadTime, ...] = ()
    """Dates the applicant enters that must be far enough ahead."""
    pattern: Identifier | None = None
    """A reusable workflow whose standard steps this procedure extends (e.g. `one_stop`)."""
    steps: tuple[Step, ...] = ()
    """The workflow: the states of a dossier. The first step is where a dossier starts."""
    cases: tuple[Case, ...] = ()
    """Variants of the procedure (trường hợp), each inheriting what it does not set."""

    def __repr__(self) -> str:
        steps = {s.id for case in self.effective_cases() for s in case.steps}
        return (
            f"<ProcedureSpec {self.code} v{self.version}: {len(self.fields)} fields, "
            f"{len(steps)} steps, {max(len(self.cases), 1)} case(s)>"
        )

    def effective_cases(self) -> tuple[ResolvedCase, ...]:
        """The cases with inheritance resolved; a procedure without cases has one, ``default``.

        Computed once per spec (a spec never changes): every submission and action asks.
        """
        return self.resolved_cases

    @functools.cached_property
    def resolved_cases(self) -> tuple[ResolvedCase, ...]:
        """The cases of :meth:`effective_cases`, computed on first use."""
        from procgen.spec.patterns import expand  # patterns builds on these models

        if not self.cases:
            return (
                ResolvedCase(
                    id="default",
                    name=self.name,
                    when=None,
                    deadline=self.deadline,
                    fee=self.fee,
                    channels=dict(self.channels),
                    documents=self.documents,
                    lead_times=self.lead_times,
                    steps=expand(self.steps, self.pattern),
                ),
            )
        return tuple(
            ResolvedCase(
                id=case.id,
                name=case.name,
                when=case.when,
                deadline=case.deadline if case.deadline is not None else self.deadline,
                fee=case.fee if case.fee is not None else self.fee,
                channels=dict(case.channels if case.channels is not None else self.channels),
                documents=case.documents if case.documents is not None else self.documents,
                lead_times=case.lead_times if case.lead_times is not None else self.lead_times,
                steps=expand(case.steps if case.steps is not None else self.steps, self.pattern),
            )
            for case in self.cases
        )

    def walk_fields(self) -> Iterator[tuple[tuple[str, ...], Field]]:
        """Yield ``(path, field)`` for every field of the form, nested ones included."""
        for top in self.fields:
            yield from top.walk()

    def role_ids(self) -> frozenset[str]:
        """Declared roles, the roles of the workflow pattern, and ``applicant``/``system``."""
        from procgen.spec.patterns import PATTERNS

        pattern = PATTERNS.get(self.pattern) if self.pattern else None
        inherited = frozenset(r.id for r in pattern.roles) if pattern else frozenset()
        return frozenset(r.id for r in self.roles) | inherited | frozenset(BUILTIN_ROLES)
