"""Diagnostics: one problem in a spec, located at ``file:line:column``, with a stable code.

Each code has an entry in ``docs/errors.md``; :data:`CODES` is the authoritative list and a test
checks the page documents every one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["CODES", "Diagnostic", "Loc", "Severity"]

#: A location inside a spec document: keys and list indices from the root.
Loc = tuple[str | int, ...]


class Severity(StrEnum):
    """Errors make a spec unusable; warnings point at something probably wrong."""

    ERROR = "error"
    WARNING = "warning"


#: Every diagnostic code procgen emits, with a one-line summary (``docs/errors.md`` details it).
CODES: dict[str, str] = {
    # reading the file
    "file-not-found": "the spec file or folder does not exist",
    "yaml-syntax": "the file is not valid YAML (or JSON)",
    "duplicate-key": "the same key appears twice in one mapping",
    "not-a-mapping": "the document is not a mapping of keys to values",
    # shape of the spec (the models)
    "unknown-key": "a key the spec language does not have",
    "missing-key": "a required key is missing",
    "wrong-type": "a value has the wrong type",
    "invalid-value": "a value is of the right type but not allowed",
    "bad-identifier": "an id is not lower-case letters, digits and _",
    "bad-duration": "a duration cannot be read",
    "bad-deadline": "a deadline is not in one of the deadline forms",
    "bad-pattern": "a regular expression does not compile",
    # references and meaning
    "duplicate-id": "two things of the same kind share an id",
    "duplicate-procedure": "two files declare the same procedure code and version",
    "unknown-field": "a reference to a field that is not declared",
    "unknown-field-type": "a field type that is neither built in nor registered",
    "unknown-role": "a reference to a role that is not declared",
    "unknown-step": "a reference to a step that is not declared",
    "unknown-input": "an action requires an input that does not exist",
    "unknown-pattern": "a workflow pattern that does not exist",
    "cel-syntax": "a condition is not valid CEL",
    "cel-unknown-name": "a condition refers to a name that is not declared",
    "not-applicable": "an attribute that does not apply to this field type",
    "missing-options": "a choice field without options",
    "missing-fields": "a group or list field without nested fields",
    "bad-range": "a lower limit is above the upper limit",
    "missing-steps": "a procedure or case without steps",
    "missing-deadline": "a procedure or case without a legal deadline",
    "final-step-actions": "a final step (with an outcome) that has actions",
    "not-a-date-field": "a date is expected but the field is not a date",
    # linter
    "unreachable-step": "a step that no path from the first step reaches",
    "no-path-to-final": "a step from which no final step can be reached",
    "action-without-actor": "an action no role can perform",
    "deadline-exceeds-legal": "step budgets along a path add up to more than the legal deadline",
    "field-never-shown": "a field whose condition is always false",
    "document-never-required": "a document that is never required",
    "missing-english": "a label without an English text",
    "missing-status": "a step without a national status code",
    "unused-role": "a declared role that no step or action uses",
}


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in a spec file.

    Attributes:
        file: the path as given to the loader.
        line: 1-based line.
        column: 1-based column.
        code: a stable code from :data:`CODES`.
        message: what is wrong, and what was found.
        hint: how to fix it (a "did you mean", an example), if there is one.
        severity: error or warning.
        loc: where in the document, as keys and indices (``("steps", 2, "actions", 0, "to")``).
    """

    file: str
    line: int
    column: int
    code: str
    message: str = field(compare=False)
    hint: str | None = field(default=None, compare=False)
    severity: Severity = field(default=Severity.ERROR, compare=False)
    loc: Loc = field(default=(), compare=False)

    def format(self) -> str:
        """``file:line:column: code: message`` and, on the next line, the hint."""
        level = "" if self.severity is Severity.ERROR else "warning: "
        text = f"{self.file}:{self.line}:{self.column}: {self.code}: {level}{self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready view, for ``procgen check --format json``."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "hint": self.hint,
            "loc": list(self.loc),
        }
