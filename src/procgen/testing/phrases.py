"""The wording of every shipped Gherkin step, in English and in Vietnamese: one source of truth.

The step definitions (:mod:`procgen.testing.steps`) register these patterns with pytest-bdd,
the scenario generator (:mod:`procgen.testing.scenarios`) writes them, and ``docs/testing.md``
lists them (:func:`steps_markdown`), so the three never disagree.

A placeholder in double quotes (``"{code}"``) matches any text without a double quote; a bare
``{count}`` matches a whole number. :func:`Phrase.render` fills the placeholders::

    >>> PHRASES["at_step"].render("en", step="review")
    'the dossier is at step "review"'
    >>> PHRASES["at_step"].render("vi", step="review")
    'hồ sơ ở bước "review"'

Data tables have two columns, a header row and one row per value. In a submission the first
column is a field's dotted path (``applicant.full_name``, ``pilots.0.full_name``: list items
from 0, as error locations are written) and the second its value as a person would type it
(``25/06/2026``, ``1500000``, ``có``/``yes``; a multiple choice as ``a, b``). A field without a
row is not given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, TypeAlias

from procgen.types import Locale

__all__ = [
    "HEADERS",
    "LANGUAGES",
    "PHRASES",
    "Language",
    "Phrase",
    "StepKind",
    "steps_markdown",
]

StepKind = Literal["given", "when", "then"]
#: The languages features and their steps are written in: the interface languages.
Language: TypeAlias = Locale
#: The languages steps are written in, the default first.
LANGUAGES: tuple[Language, ...] = ("vi", "en")

_PLACEHOLDER = re.compile(r'"\{(\w+)\}"|\{(\w+)\}')


@dataclass(frozen=True)
class Phrase:
    """One step, in both languages.

    Attributes:
        key: a stable name for the step (used by the generator and the docs).
        kind: Given, When or Then.
        en: the English wording, with ``{placeholders}``.
        vi: the Vietnamese wording, with the same placeholders.
        doc: what the step does or checks (English, for the docs).
        table: the data table's header (English, Vietnamese), when the step takes one.
    """

    key: str
    kind: StepKind
    en: str
    vi: str
    doc: str
    table: tuple[tuple[str, ...], tuple[str, ...]] | None = None

    def text(self, language: Language) -> str:
        """The wording in ``language``."""
        return self.vi if language == "vi" else self.en

    def render(self, language: Language, **values: object) -> str:
        """The step's text with its placeholders filled (quotes in values are refused)."""
        for name, value in values.items():
            if '"' in str(value):
                raise ValueError(f"{name}: a step value cannot contain a double quote: {value!r}")
        return self.text(language).format(**values)

    def regex(self, language: Language) -> str:
        """A full-match regular expression with one named group per placeholder."""
        text = self.text(language)
        out: list[str] = []
        pos = 0
        for m in _PLACEHOLDER.finditer(text):
            out.append(re.escape(text[pos : m.start()]))
            if m.group(1):
                out.append(f'"(?P<{m.group(1)}>[^"]*)"')
            else:
                out.append(f"(?P<{m.group(2)}>\\d+)")
            pos = m.end()
        out.append(re.escape(text[pos:]))
        return "".join(out)

    def header(self, language: Language) -> tuple[str, ...] | None:
        """The data table's header row in ``language``."""
        if self.table is None:
            return None
        return self.table[1] if language == "vi" else self.table[0]


_FIELDS = (("field", "value"), ("trường", "giá trị"))

_ALL = (
    # ---------------------------------------------------------------- Given
    Phrase(
        "procedure",
        "given",
        'the procedure "{code}"',
        'thủ tục "{code}"',
        "Makes the procedure with this code (latest version) the scenario's procedure.",
    ),
    Phrase(
        "today",
        "given",
        'today is "{moment}"',
        'hôm nay là "{moment}"',
        "Sets the clock to this local (Hà Nội) time: `29/04/2026 09:00`, `29/04/2026` (08:00) "
        "or ISO 8601.",
    ),
    Phrase(
        "user",
        "given",
        'a user "{name}" with role "{role}"',
        'người dùng "{name}" có vai trò "{role}"',
        "Creates an officer account holding the role (repeat the step to give more roles).",
    ),
    Phrase(
        "dossier_with",
        "given",
        'a dossier of "{code}" submitted with:',
        'hồ sơ "{code}" đã nộp với:',
        "The applicant has submitted a dossier of the procedure with the table's data and "
        "every document it requires; the submission must succeed.",
        _FIELDS,
    ),
    Phrase(
        "dossier_example",
        "given",
        'a dossier of "{code}" submitted with the example data',
        'hồ sơ "{code}" đã nộp với dữ liệu mẫu',
        "The same, with example data generated from the field types.",
    ),
    Phrase(
        "leave_out",
        "given",
        'the applicant leaves out the document "{document}"',
        'người nộp không nộp giấy tờ "{document}"',
        "The next submission does not attach this document.",
    ),
    Phrase(
        "attach",
        "given",
        'the applicant attaches "{filename}" as "{document}"',
        'người nộp đính kèm "{filename}" làm giấy tờ "{document}"',
        "The next submission attaches a sample file of this name (its type follows the "
        "extension: .pdf, .png, .jpg; any other is sent as plain bytes) as this document.",
    ),
    # ---------------------------------------------------------------- When
    Phrase(
        "submit_with",
        "when",
        "the applicant submits:",
        "người nộp nộp hồ sơ với:",
        "The applicant submits the scenario's procedure with the table's data and its "
        "documents; the result is checked by the submission steps below.",
        _FIELDS,
    ),
    Phrase(
        "submit_example",
        "when",
        "the applicant submits the example data",
        "người nộp nộp hồ sơ với dữ liệu mẫu",
        "The same, with example data generated from the field types.",
    ),
    Phrase(
        "perform",
        "when",
        '"{user}" performs "{action}"',
        '"{user}" thực hiện "{action}"',
        "The user takes the action on the dossier through the API; fails with the current "
        "step and the user's allowed actions when the action is refused.",
    ),
    Phrase(
        "perform_with",
        "when",
        '"{user}" performs "{action}" with:',
        '"{user}" thực hiện "{action}" với:',
        "The same, with the action's inputs in the table (a `file` input gets a sample PDF "
        "unless a file name is given).",
        _FIELDS,
    ),
    Phrase(
        "applicant_performs",
        "when",
        'the applicant performs "{action}"',
        'người nộp thực hiện "{action}"',
        "The applicant takes the action (withdraw, supplement...) on their dossier.",
    ),
    Phrase(
        "applicant_performs_with",
        "when",
        'the applicant performs "{action}" with:',
        'người nộp thực hiện "{action}" với:',
        "The same, with the action's inputs in the table (a withdrawal's `reason`...).",
        _FIELDS,
    ),
    Phrase(
        "supplement",
        "when",
        "the applicant supplements the documents",
        "người nộp bổ sung giấy tờ",
        "The applicant answers a supplement request, attaching a file for each document of "
        "the dossier.",
    ),
    Phrase(
        "working_days_pass",
        "when",
        "{count} working days pass",
        "{count} ngày làm việc trôi qua",
        "Moves the clock forward by whole working days (weekends and public holidays "
        "skipped), then runs the expiry worker.",
    ),
    Phrase(
        "days_pass",
        "when",
        "{count} days pass",
        "{count} ngày trôi qua",
        "Moves the clock forward by calendar days, then runs the expiry worker.",
    ),
    # ---------------------------------------------------------------- Then
    Phrase(
        "accepted",
        "then",
        "the submission is accepted",
        "hồ sơ được tiếp nhận",
        "The last submission was filed (201); fails with the field errors otherwise.",
    ),
    Phrase(
        "rejected_field",
        "then",
        'the submission is rejected with an error on field "{field}"',
        'hồ sơ bị từ chối với lỗi ở trường "{field}"',
        "The last submission was refused (422) with an error at this dotted path.",
    ),
    Phrase(
        "rejected_message",
        "then",
        'the submission is rejected with an error on field "{field}": "{message}"',
        'hồ sơ bị từ chối với lỗi ở trường "{field}": "{message}"',
        "The same, and that error's message contains the text.",
    ),
    Phrase(
        "at_step",
        "then",
        'the dossier is at step "{step}"',
        'hồ sơ ở bước "{step}"',
        "The dossier's current step (its id).",
    ),
    Phrase(
        "due_date",
        "then",
        'the due date is "{date}"',
        'hạn giải quyết là "{date}"',
        "The legal due date, in local time: `08/05/2026` (the date) or `08/05/2026 17:00`.",
    ),
    Phrase(
        "appointment_date",
        "then",
        'the appointment date is "{date}"',
        'ngày hẹn trả kết quả là "{date}"',
        "The appointment date on the receipt, in local time, as above.",
    ),
    Phrase(
        "on_time",
        "then",
        "the dossier is on time",
        "hồ sơ đúng hạn",
        "Finished by its due date, or still open and not past it.",
    ),
    Phrase(
        "late",
        "then",
        "the dossier is late",
        "hồ sơ trễ hạn",
        "Finished after its due date.",
    ),
    Phrase(
        "overdue",
        "then",
        "the dossier is overdue",
        "hồ sơ quá hạn",
        "Still open and past its due date.",
    ),
    Phrase(
        "can",
        "then",
        '"{user}" can perform "{action}"',
        '"{user}" có thể thực hiện "{action}"',
        "The action is among the user's allowed actions on the dossier now.",
    ),
    Phrase(
        "cannot",
        "then",
        '"{user}" cannot perform "{action}"',
        '"{user}" không thể thực hiện "{action}"',
        "The action is not allowed to the user now (a different step, role, guard or time).",
    ),
    Phrase(
        "history",
        "then",
        "the history shows:",
        "lịch sử hồ sơ gồm:",
        "The dossier's history holds these actions in this order (the submission is "
        "`submit`; automatic moves are `expire`).",
        (("action",), ("thao tác",)),
    ),
    Phrase(
        "tracking_shows",
        "then",
        'the applicant\'s tracking page shows "{text}"',
        'trang tra cứu của người nộp hiển thị "{text}"',
        "The public tracking page (number and tracking code) contains the text.",
    ),
)

#: Every shipped step by key.
PHRASES: dict[str, Phrase] = {p.key: p for p in _ALL}

#: The data table headers for submissions and action inputs.
HEADERS = _FIELDS


def steps_markdown() -> str:
    """The list of steps for ``docs/testing.md`` (generated; a test keeps the doc in sync)."""
    lines: list[str] = []
    for kind, title in (("given", "Given"), ("when", "When"), ("then", "Then")):
        lines += [f"### {title}", "", "| English | Tiếng Việt | What it does |", "|---|---|---|"]
        for p in _ALL:
            if p.kind != kind:
                continue
            en, vi = p.en, p.vi
            cells = [f"`{en}`", f"`{vi}`"]
            if p.table:
                cells[0] += f" + table ({', '.join(p.table[0])})"
                cells[1] += f" + bảng ({', '.join(p.table[1])})"
            lines.append(f"| {cells[0]} | {cells[1]} | {p.doc} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
