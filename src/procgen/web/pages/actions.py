"""The actions an officer may take on a dossier, as forms; and what such a form posts.

Each allowed action is one ``<form>`` with its inputs rendered by the wizard's own field
widgets (``forms/fields/*.html``), so a ``reason`` is the same textarea, a ``decision_date``
the same date input, a ``result_document`` the same file input as in the application form.
Field ids are prefixed with the action (``refuse.reason``) so several forms share a page; the
wizard's htmx attributes are switched off around them (``hx-disable``): an action is only
ever taken by pressing its button.

:func:`parse_action_post` turns a post back into the inputs and files the service takes;
what it cannot read (a date that is no date) is reported per field, in the user's language.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from procgen.forms import field_message
from procgen.i18n import translator
from procgen.service.records import ActionChoice, Upload
from procgen.spec.inputs import BUILTIN_INPUTS
from procgen.spec.models import Action, Field, ResolvedCase
from procgen.types import Locale
from procgen.web.apply.views import ErrorItem, FieldView, ViewBuilder, dom_id
from procgen.web.pages.labels import step_label
from procgen.workflow import DenialCode

__all__ = [
    "ActionForm",
    "ActionPost",
    "Loc",
    "action_fields",
    "action_forms",
    "denial_text",
    "error_items",
    "form_errors",
    "parse_action_post",
]

Loc = tuple[str | int, ...]
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
#: Actions that end a dossier badly: drawn as warning buttons (the label says it too).
_WARNING_TARGETS = frozenset({"refused", "not_accepted", "withdrawn", "stopped"})

_DENIALS = {
    DenialCode.FINAL_STEP: "The dossier has ended: no action is possible.",
    DenialCode.STEP_EXPIRED: (
        "The time limit of this step has passed: the dossier moves on by itself."
    ),
    DenialCode.EXTENSION_LIMIT: "The deadline has already been extended as many times as allowed.",
    DenialCode.RESCHEDULE_NOT_ALLOWED: (
        "An apology with a new date can be sent at least one working day before the "
        "appointment date, or once it has passed."
    ),
    DenialCode.GUARD_FALSE: "The conditions for this action are not met by this dossier.",
    DenialCode.GUARD_ERROR: "The conditions for this action cannot be checked on this dossier.",
    DenialCode.MISSING_INPUT: "Some required information is missing.",
    DenialCode.INVALID_INPUT: "Some information is not valid.",
}


@dataclass
class ActionForm:
    """One action of the dossier's step, as the officer sees it.

    Attributes:
        id: the action id.
        label: its label.
        target: the label of the step it leads to.
        allowed: whether the officer may take it now.
        reason: why not, in words, when not allowed.
        fields: the views of its inputs (empty for a plain button).
        multipart: whether it sends a file.
        warning: whether it ends the dossier badly (refuse, reject...).
        errors: messages about the action as a whole (e.g. a condition on the inputs).
        open: whether its inputs are shown at once (they had errors).
        url: where the form posts.
    """

    id: str
    label: str
    target: str
    allowed: bool
    reason: str = ""
    fields: list[FieldView] = field(default_factory=list)
    multipart: bool = False
    warning: bool = False
    errors: list[str] = field(default_factory=list)
    open: bool = False
    url: str = ""

    @property
    def dom_id(self) -> str:
        """The id of the form's container (the error summary links to it)."""
        return f"action-{self.id}"


@dataclass(frozen=True)
class ActionPost:
    """What an action form sent: inputs (JSON values), files by input id, and problems."""

    inputs: dict[str, Any]
    files: dict[str, list[Upload]]
    errors: dict[Loc, str]
    values: dict[str, list[str]]
    version: int | None


def action_fields(action: Action) -> tuple[Field, ...]:
    """The input fields of ``action``: built-in ``requires`` first, then its own ``inputs``."""
    builtin = tuple(BUILTIN_INPUTS[r] for r in action.requires if r in BUILTIN_INPUTS)
    return builtin + action.inputs


def denial_text(code: DenialCode | None, locale: Locale) -> str:
    """Why an action is not available, in words."""
    message = _DENIALS.get(code) if code is not None else None
    return translator(locale).gettext(message) if message else ""


def action_forms(
    choices: Sequence[ActionChoice],
    case: ResolvedCase,
    *,
    code: str,
    locale: Locale,
    field_type: Callable[[str], Any],
    values: Mapping[str, list[str]] | None = None,
    errors: Mapping[Loc, str] | None = None,
) -> list[ActionForm]:
    """The views of ``choices`` (allowed or not), with the values and errors of a failed post.

    ``errors`` are keyed ``(action id, input id)``, or ``(action id,)`` for the action itself.
    """
    gettext = translator(locale).gettext
    found = dict(errors or {})
    builder = ViewBuilder(
        code=code,
        locale=locale,
        gettext=gettext,
        field_type=field_type,
        values={k: list(v) for k, v in (values or {}).items()},
        rows={},
        is_visible=lambda loc: True,
        errors=found,
        fragment_url=lambda name: "",
    )
    forms = []
    for choice in choices:
        action, option = choice.action, choice.option
        inputs = action_fields(action)
        views = [builder.build(f, (action.id, f.id)) for f in inputs] if option.allowed else []
        general = [msg for loc, msg in found.items() if loc == (action.id,)]
        forms.append(
            ActionForm(
                id=action.id,
                label=action.label.get(locale) if action.label else action.id,
                target=step_label(case, action.to, locale),
                allowed=option.allowed,
                reason=denial_text(option.denial.code if option.denial else None, locale),
                fields=views,
                multipart=any(f.type == "file" for f in inputs),
                warning=action.to in _WARNING_TARGETS,
                errors=general,
                open=bool(general) or any(v.error for v in views),
            )
        )
    return forms


def _iso_date(text: str) -> str | None:
    text = text.strip()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    match = _DMY.match(text)
    if match:
        try:
            return dt.date(int(match[3]), int(match[2]), int(match[1])).isoformat()
        except ValueError:
            return None
    return None


def _value(f: Field, text: str, locale: Locale) -> tuple[Any, str | None]:
    """A posted string as the input's JSON value, or a message."""
    label = f.label.get(locale)
    if f.type == "date":
        iso = _iso_date(text)
        return (iso, None) if iso else (None, field_message("date", locale, label))
    if f.type == "boolean":
        lowered = text.strip().lower()
        if lowered in ("true", "on", "1", "yes"):
            return True, None
        if lowered in ("false", "0", "no"):
            return False, None
        return None, field_message("type.boolean", locale, label)
    if f.type in ("integer", "money"):
        try:
            return int(text.strip().replace(".", "").replace(",", "")), None
        except ValueError:
            return None, field_message("type.integer", locale, label)
    return text, None


def parse_action_post(
    action: Action,
    pairs: Sequence[tuple[str, str]],
    uploads: Sequence[tuple[str, Upload]],
    locale: Locale,
) -> ActionPost:
    """Read a posted action form: ``pairs`` are its text fields, ``uploads`` its files.

    Field names are the action's dom ids (``refuse.reason``); files come as
    ``upload:refuse.result_document``. Empty texts are left out, so a missing required input
    is reported by the service with its own message.
    """
    prefix = f"{action.id}."
    values: dict[str, list[str]] = {}
    version: int | None = None
    for name, text in pairs:
        if name == "version" and text.strip().isdigit():
            version = int(text.strip())
        elif name.startswith(prefix):
            values.setdefault(name, []).append(text)
    inputs: dict[str, Any] = {}
    errors: dict[Loc, str] = {}
    files: dict[str, list[Upload]] = {}
    for f in action_fields(action):
        name = dom_id((action.id, f.id))
        if f.type == "file":
            sent = [u for key, u in uploads if key == f"upload:{name}" and u.data]
            if sent:
                files[f.id] = sent[:1]
            continue
        posted = [t for t in values.get(name, []) if t.strip()]
        if not posted:
            continue
        if f.type == "checkboxes":
            inputs[f.id] = posted
            continue
        value, problem = _value(f, posted[-1], locale)
        if problem is not None:
            errors[(action.id, f.id)] = problem
        else:
            inputs[f.id] = value
    return ActionPost(inputs, files, errors, values, version)


def form_errors(action: str, errors: dict[Loc, str]) -> dict[Loc, str]:
    """The service's ``("inputs", name)`` errors as the form's ``(action, name)``."""
    out: dict[Loc, str] = {}
    for loc, message in errors.items():
        if loc[:1] == ("inputs",) and len(loc) > 1:
            out[(action, *loc[1:])] = message
        elif loc[:1] == ("documents",):
            out[loc] = message
        else:
            out[(action,)] = message
    return out


def error_items(errors: dict[Loc, str]) -> list[ErrorItem]:
    """The error summary of a failed action: each message linked to its field."""
    items = []
    for loc, message in errors.items():
        href: str | None
        if loc[:1] == ("documents",) and len(loc) > 1:
            href = f"#document-{loc[1]}"
        elif len(loc) > 1:
            href = f"#{dom_id(loc)}"
        else:
            href = f"#action-{loc[0]}" if loc else None
        items.append(ErrorItem(message, href, loc))
    return items
