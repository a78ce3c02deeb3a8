"""The spec language: the models a procedure is written in, and reading them from files.

People writing specs in YAML use :func:`load` (or ``procgen.load``); people building specs in
Python use the models here::

    >>> from procgen.spec import Field, ProcedureSpec, Text
    >>> Field(id="full_name", type="text", label=Text(vi="Họ và tên", en="Full name")).id
    'full_name'

Every key is described in ``docs/spec-reference.md`` (generated from these models).
"""

from procgen.spec.diagnostics import Diagnostic, Severity
from procgen.spec.duration import Duration, DurationUnit, parse_duration
from procgen.spec.loader import load, load_dir, loads
from procgen.spec.models import (
    Action,
    Agency,
    AnnualDate,
    Case,
    Channel,
    ChannelTerms,
    ClockMode,
    Deadline,
    Decision,
    Document,
    Extension,
    Field,
    FormTemplate,
    LeadTime,
    LegalDocument,
    Level,
    NationalStatus,
    OnlineLevel,
    Option,
    Outcome,
    Page,
    ProcedureSpec,
    ResolvedCase,
    Result,
    Role,
    Rule,
    Sector,
    Step,
    Subject,
)
from procgen.spec.text import Text

__all__ = [
    "Action",
    "Agency",
    "AnnualDate",
    "Case",
    "Channel",
    "ChannelTerms",
    "ClockMode",
    "Deadline",
    "Decision",
    "Diagnostic",
    "Document",
    "Duration",
    "DurationUnit",
    "Extension",
    "Field",
    "FormTemplate",
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
    "Severity",
    "Step",
    "Subject",
    "Text",
    "load",
    "load_dir",
    "loads",
    "parse_duration",
]
