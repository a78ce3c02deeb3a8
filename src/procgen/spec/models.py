"""The procedure spec language: typed, immutable models.

A procedure is authored in YAML (one file under ``definitions/``) or built in Python with these
same models. The structure follows the national catalogue (DOMAIN.md section 1)::

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
    "FormTemplate",
    "Identifier",
    "LeadTime",
    "LegalDocument",
    "Level",
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
                "A CEL expression over the declared fields (and today, now, role, input); "
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
    """The national dossier status catalogue (DOMAIN.md section 2), synced to DVCQG."""

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


class Sector(SpecModel):
    """Lĩnh vực: the field a procedure belongs to. A plain string is taken as its id."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    name: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        return {"id": data} if isinstance(data, str) else data

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return _string_or_object(handler, schema, {"type": "string"})


class Agency(SpecModel):
    """A government agency; ``id`` is its electronic identifier, used in dossier numbers."""

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9.]*$")] | None = None
    name: Text


class Decision(SpecModel):
    """The decision that published the procedure (quyết định công bố)."""

    number: Annotated[str, StringConstraints(min_length=1)]
    date: dt.date | None = None
    issuer: Text | None = None


class LegalDocument(SpecModel):
    """A legal basis (căn cứ pháp lý): kept as data because the law changes."""

    number: Annotated[str, StringConstraints(min_length=1)]
    title: Text
    date: dt.date
    issuer: Text | None = None


class Result(SpecModel):
    """A possible result of the procedure (kết quả); several are alternatives."""

    id: Identifier
    label: Text
    template: FormTemplate | None = None


class FormTemplate(SpecModel):
    """A form template (mẫu đơn, tờ khai) such as ``ĐK 01-A``."""

    code: Annotated[str, StringConstraints(min_length=1)]
    label: Text | None = None
    url: str | None = None


Result.model_rebuild()


# --------------------------------------------------------------------------- the form


class Option(SpecModel):
    """A choice's option. A plain string is both value and (Vietnamese) label."""

    value: Annotated[str, StringConstraints(min_length=1)]
    label: Text

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
    message: Text
    fields: tuple[FieldPath, ...] = ()


class Field(SpecModel):
    """A form field. ``group`` and ``list`` nest ``fields``; ``list`` repeats them.

    Attributes apply by type: ``options`` to choice/multichoice, ``min_length``/``max_length``/
    ``pattern`` to texts, ``minimum``/``maximum`` to numbers and dates, ``min_items``/
    ``max_items`` to list and multichoice, ``accept``/``max_size`` to file.
    """

    id: Identifier
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
    label: Text
    help: Text | None = None
    placeholder: Text | None = None
    required: bool = False
    default: JsonValue = None
    min_length: Annotated[int, PField(ge=0)] | None = None
    max_length: Annotated[int, PField(ge=1)] | None = None
    pattern: str | None = None
    minimum: Decimal | dt.date | None = None
    maximum: Decimal | dt.date | None = None
    min_items: Annotated[int, PField(ge=0)] | None = None
    max_items: Annotated[int, PField(ge=1)] | None = None
    options: tuple[Option, ...] = ()
    accept: tuple[str, ...] = ()
    max_size: ByteSize | None = None
    fields: tuple[Field, ...] = ()
    when: Expr | None = None
    rules: tuple[Rule, ...] = ()

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
    title: Text
    fields: tuple[Identifier, ...] = PField(min_length=1)


class Document(SpecModel):
    """A dossier component (thành phần hồ sơ) the applicant attaches."""

    id: Identifier
    label: Text
    help: Text | None = None
    required: bool = True
    when: Expr | None = None
    originals: Annotated[int, PField(ge=0)] = 1
    copies: Annotated[int, PField(ge=0)] = 0
    template: FormTemplate | None = None
    accept: tuple[str, ...] = ("pdf", "jpg", "png")
    max_size: ByteSize = ByteSize(10 * 1024 * 1024)
    max_files: Annotated[int, PField(ge=1)] = 1
    data_store: bool = False
    national_code: str | None = None


# --------------------------------------------------------------------------- deadlines


class AnnualDate(SpecModel):
    """A date that recurs every year, written ``25/06`` (day/month)."""

    day: Annotated[int, PField(ge=1, le=31)]
    month: Annotated[int, PField(ge=1, le=12)]

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
    same_day: bool = False
    cutoff: dt.time | None = None
    by: AnnualDate | None = None
    before: FieldPath | None = None

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
                "description": "'7 working days', '4 working hours', '30 days', 'same day', "
                "or 'by 25/06'.",
                "examples": ["7 working days", "same day", "by 25/06"],
            },
        )


class LeadTime(SpecModel):
    """An applicant-entered date must be at least ``at_least`` after submission."""

    field: FieldPath
    at_least: Duration
    message: Text | None = None


class Extension(SpecModel):
    """An action that extends the legal deadline by ``by``, at most ``times`` times."""

    by: Duration
    times: Annotated[int, PField(ge=1)] = 1


class ChannelTerms(SpecModel):
    """Processing time and fee for one channel (trực tiếp, trực tuyến, bưu chính)."""

    fee: Money | None = None
    processing_time: Duration | None = None
    description: Text | None = None


# --------------------------------------------------------------------------- the workflow


class Role(SpecModel):
    """Who may act. A plain string is taken as the role's id."""

    id: Identifier
    label: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        return {"id": data} if isinstance(data, str) else data

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return _string_or_object(handler, schema, {"type": "string"})


class Action(SpecModel):
    """Something an actor does to a dossier in a step, moving it to step ``to``.

    ``requires`` names built-in inputs (``reason``, ``note``, ``decision_number``,
    ``decision_date``, ``result_document``, ``new_appointment``); ``inputs`` declares others
    as form fields. ``when`` is a guard over ``data`` (the dossier), ``input`` and ``role``.
    """

    id: Identifier
    label: Text | None = None
    to: Identifier
    role: Identifier | None = None
    when: Expr | None = None
    requires: tuple[Identifier, ...] = ()
    inputs: tuple[Field, ...] = ()
    extends: Extension | None = None
    reschedules: bool = False


class Step(SpecModel):
    """A state of a dossier: who acts, how long they have, and what they can do.

    A step with an ``outcome`` is final: the dossier ends there. ``clock: paused`` stops the
    legal clock while the dossier waits (e.g. for a supplement). ``on_expiry`` names the step
    the dossier moves to when the step's ``deadline`` passes with no action (a deadline on the
    applicant). ``completes`` marks the step where the result is ready: entering it is the
    completion time used to classify the dossier early, on time or late.
    """

    id: Identifier
    label: Text | None = None
    role: Identifier | None = None
    agency: Text | None = None
    deadline: Deadline | None = None
    clock: ClockMode = ClockMode.RUNNING
    status: NationalStatus | None = None
    outcome: Outcome | None = None
    completes: bool = False
    on_expiry: Identifier | None = None
    actions: tuple[Action, ...] = ()

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
    name: Text
    when: Expr | None = None
    deadline: Deadline | None = None
    fee: Money | None = None
    channels: dict[Channel, ChannelTerms] | None = None
    documents: tuple[Document, ...] | None = None
    lead_times: tuple[LeadTime, ...] | None = None
    steps: tuple[Step, ...] | None = None


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
    catalogue_code: Annotated[str, StringConstraints(pattern=r"^\d\.\d{6}$")] | None = None
    version: Annotated[int, PField(ge=1)] = 1
    name: Text
    summary: Text | None = None
    decision: Decision | None = None
    sector: Sector
    level: Level
    agency: Agency
    deciding_agency: Agency | None = None
    coordinating_agencies: tuple[Agency, ...] = ()
    online: OnlineLevel = OnlineLevel.FULL
    subjects: tuple[Subject, ...] = PField(default=(Subject.CITIZEN,), min_length=1)
    conditions: tuple[Text, ...] = ()
    legal_basis: tuple[LegalDocument, ...] = ()
    results: tuple[Result, ...] = ()
    roles: tuple[Role, ...] = ()
    fields: tuple[Field, ...] = ()
    pages: tuple[Page, ...] = ()
    rules: tuple[Rule, ...] = ()
    documents: tuple[Document, ...] = ()
    deadline: Deadline | None = None
    fee: Money = 0
    channels: dict[Channel, ChannelTerms] = PField(default_factory=dict)
    lead_times: tuple[LeadTime, ...] = ()
    pattern: Identifier | None = None
    steps: tuple[Step, ...] = ()
    cases: tuple[Case, ...] = ()

    def __repr__(self) -> str:
        steps = {s.id for case in self.effective_cases() for s in case.steps}
        return (
            f"<ProcedureSpec {self.code} v{self.version}: {len(self.fields)} fields, "
            f"{len(steps)} steps, {max(len(self.cases), 1)} case(s)>"
        )

    def effective_cases(self) -> tuple[ResolvedCase, ...]:
        """The cases with inheritance resolved; a procedure without cases has one, ``default``."""
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
                    steps=self.steps,
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
                steps=case.steps if case.steps is not None else self.steps,
            )
            for case in self.cases
        )

    def walk_fields(self) -> Iterator[tuple[tuple[str, ...], Field]]:
        """Yield ``(path, field)`` for every field of the form, nested ones included."""
        for top in self.fields:
            yield from top.walk()

    def role_ids(self) -> frozenset[str]:
        """Declared roles plus the built-in ``applicant`` and ``system``."""
        return frozenset(r.id for r in self.roles) | frozenset(BUILTIN_ROLES)
