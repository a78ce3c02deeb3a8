"""A minimal valid spec as YAML text, for tests to change one thing at a time."""

from __future__ import annotations

MINIMAL = """\
code: T-01
name: {vi: Thử nghiệm, en: Trial}
sector: test
level: commune
agency: {name: {vi: UBND xã, en: Commune people's committee}}
deadline: 3 working days
roles:
  - {id: officer, label: {vi: Cán bộ, en: Officer}}
fields:
  - {id: full_name, type: text, label: {vi: Họ tên, en: Full name}, required: true}
  - {id: birth_date, type: date, label: {vi: Ngày sinh, en: Date of birth}}
  - id: applicant
    type: group
    label: {vi: Người nộp, en: Applicant}
    fields:
      - {id: phone, type: phone, label: {vi: Điện thoại, en: Phone}}
steps:
  - id: review
    label: {vi: Xem xét, en: Review}
    role: officer
    status: 4
    actions:
      - {id: approve, to: done, label: {vi: Duyệt, en: Approve}}
  - id: done
    label: {vi: Xong, en: Done}
    outcome: approved
    status: 10
"""


def spec_text(replace: dict[str, str] | None = None, append: str = "") -> str:
    """MINIMAL with each ``old -> new`` replacement applied (each must occur) and text appended."""
    text = MINIMAL
    for old, new in (replace or {}).items():
        assert old in text, f"{old!r} not in the minimal spec"
        text = text.replace(old, new, 1)
    return text + append
