"""The identifiers Vietnamese citizens type: personal ID, phone, tax code, email, address.

Each has pure functions (usable without pydantic) and a :class:`~procgen.forms.types.FieldType`.
Formats follow docs/domain.md §7 and §8:

- **personal identification number** (số định danh cá nhân, the CCCD number): 12 digits; the
  first three are the *old* 63-province code of the place where the birth was registered, the
  fourth gives century and sex, the fifth and sixth the year of birth;
- **phone**: mobile ``0[35789]`` + 8 digits, landline ``02`` + 9 digits, typed with ``0`` or
  ``+84`` and spaces, dots or dashes; stored as E.164 (``+84912345678``);
- **tax code** (mã số thuế): 10 digits with a check digit, 13 digits (10 + a 3-digit branch,
  stored ``0101234567-001``), or, from 1 July 2025, an individual's 12-digit personal ID;
- **address**: ``{province, commune, street}`` in the two-level units of 1 July 2025 (in
  :mod:`procgen.forms._addresses`; its names are importable from here too).

The usual forms (``001206123456``, ``0912345678``, ``+84912345678``, an email address) are
checked by native fast paths (:mod:`procgen.forms._native`), the others by the validators here.

    >>> normalise_phone("0912.345.678")
    '+84912345678'
    >>> tax_code_check_digit("010023348")
    8
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from operator import methodcaller
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import AfterValidator, Strict, StringConstraints
from pydantic_core import core_schema
from pydantic_core.core_schema import CoreSchema

from procgen.forms._addresses import Address, commune, communes, province, provinces
from procgen.forms._addresses import address_type as _address_type
from procgen.forms._native import python_end as _python_end
from procgen.forms.types import FieldType, invalid, search
from procgen.spec.models import Field

__all__ = [
    "BIRTH_DATE_NAMES",
    "CITIZEN_ID_PATTERN",
    "CITIZEN_ID_PROVINCES",
    "EMAIL_MAX_LENGTH",
    "EMAIL_PATTERN",
    "PHONE_PATTERN",
    "RUST_CITIZEN_ID",
    "RUST_PHONE_E164",
    "RUST_PHONE_NATIONAL",
    "TAX_CODE_PATTERN",
    "Address",
    "check_birth_date",
    "citizen_id_birth_digits",
    "commune",
    "communes",
    "identifier_types",
    "normalise_phone",
    "normalise_tax_code",
    "province",
    "provinces",
    "tax_code_check_digit",
    "tax_code_is_valid",
]

#: The province codes that open a personal identification number: the 63 provinces and cities
#: before the 2025 merger. Numbers already issued keep them, so the new 34-province list would
#: reject valid numbers. Source: Circular 07/2016/TT-BCA, Appendix 1 (danh mục mã tỉnh, thành
#: phố trực thuộc trung ương nơi công dân đăng ký khai sinh), kept by Circular 59/2021/TT-BCA.
#: Births registered abroad use a country code instead; those numbers are not recognised [I].
CITIZEN_ID_PROVINCES: Mapping[str, str] = MappingProxyType(
    {
        "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn",
        "008": "Tuyên Quang", "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu",
        "014": "Sơn La", "015": "Yên Bái", "017": "Hòa Bình", "019": "Thái Nguyên",
        "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang", "025": "Phú Thọ",
        "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
        "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định",
        "037": "Ninh Bình", "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh",
        "044": "Quảng Bình", "045": "Quảng Trị", "046": "Thừa Thiên Huế", "048": "Đà Nẵng",
        "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định", "054": "Phú Yên",
        "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
        "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng",
        "070": "Bình Phước", "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai",
        "077": "Bà Rịa - Vũng Tàu", "079": "Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang",
        "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long", "087": "Đồng Tháp",
        "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
        "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
    }
)  # fmt: skip

#: Names of a date field that a sibling ``citizen_id`` field is checked against.
BIRTH_DATE_NAMES = frozenset({"birth_date", "date_of_birth", "dob", "ngay_sinh"})

CITIZEN_ID_PATTERN = re.compile(r"^[0-9]{12}$")
PHONE_PATTERN = re.compile(
    r"^(?:0|\+84[ .-]?0?)[ .-]?(?:[35789](?:[ .-]?[0-9]){8}|2(?:[ .-]?[0-9]){9})$"
)
TAX_CODE_PATTERN = re.compile(r"^(?:[0-9]{10}(?:-?[0-9]{3})?|[0-9]{12})$")
# The WHATWG "valid e-mail address" grammar, with a dotted domain and a letters-only top level.
EMAIL_PATTERN = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
EMAIL_MAX_LENGTH = 254
_TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


# --------------------------------------------------------------------------- personal ID


def citizen_id_birth_digits(year: int) -> tuple[str, str] | None:
    """Digits 4–6 of the number of a man and of a woman born in ``year`` (1900–2399).

    >>> citizen_id_birth_digits(2006)
    ('206', '306')
    """
    century = year // 100 - 19
    if not 0 <= century <= 4:
        return None
    return f"{2 * century}{year % 100:02d}", f"{2 * century + 1}{year % 100:02d}"


def _citizen_id(value: str) -> str:
    if not search(CITIZEN_ID_PATTERN, value):
        raise invalid("citizen_id", "citizen_id")
    number = value.strip()
    if number[:3] not in CITIZEN_ID_PROVINCES:
        raise invalid("citizen_id", "citizen_id.province", check="citizen_id", prefix=number[:3])
    return number


def check_birth_date(number: str, born: dt.date, field: str) -> None:
    """Raise the ``citizen_id`` error when ``number`` does not fit a birth on ``born``."""
    expected = citizen_id_birth_digits(born.year)
    if expected is None or number[3:6] not in expected:
        male, female = expected or ("?", "?")
        raise invalid(
            "citizen_id",
            "citizen_id.birth_date",
            check="citizen_id_birth_date",
            field=field,
            year=born.year,
            male=male[0],
            female=female[0],
            yy=f"{born.year % 100:02d}",  # also when no century digit fits (before 1900)
        )


# --------------------------------------------------------------------------- phone, tax, email


def normalise_phone(text: str) -> str | None:
    """The number in E.164 (``+84...``), or ``None`` when it is not a Vietnamese number."""
    if not search(PHONE_PATTERN, text):
        return None
    digits = re.sub(r"[ .-]", "", text.strip())
    national = digits[3:] if digits.startswith("+84") else digits
    return "+84" + national.removeprefix("0")


def _phone(value: str) -> str:
    normalised = normalise_phone(value)
    if normalised is None:
        raise invalid("phone", "phone")
    return normalised


def tax_code_check_digit(first_nine: str) -> int | None:
    """The 10th digit of a tax code starting with ``first_nine``; ``None`` if none is valid.

    The weighted sum of the nine digits (weights 31, 29, 23, 19, 17, 13, 7, 5, 3) gives
    ``10 - sum mod 11``; a result of 10 means no tax code starts with these digits.
    """
    total = sum(weight * int(digit) for weight, digit in zip(_TAX_WEIGHTS, first_nine, strict=True))
    check = 10 - total % 11
    return None if check == 10 else check


def tax_code_is_valid(code: str) -> bool:
    """Whether ``code`` (10, 13 or 12 digits, see :data:`TAX_CODE_PATTERN`) is a valid tax code."""
    digits = code.strip().replace("-", "")
    if not digits.isascii() or not digits.isdigit():
        return False
    if len(digits) == 12:  # a personal identification number (from 1 July 2025)
        return digits[:3] in CITIZEN_ID_PROVINCES
    if len(digits) not in (10, 13) or digits[2:9] == "0000000" or digits[10:] == "000":
        return False
    return tax_code_check_digit(digits[:9]) == int(digits[9])


def normalise_tax_code(code: str) -> str:
    """The stored form: 10 or 12 digits, or ``0101234567-001`` for a branch."""
    digits = code.strip().replace("-", "")
    return f"{digits[:10]}-{digits[10:]}" if len(digits) == 13 else digits


def _tax_code(value: str) -> str:
    if not search(TAX_CODE_PATTERN, value):
        raise invalid("tax_code", "tax_code")
    if not tax_code_is_valid(value):
        raise invalid("tax_code", "tax_code.check", check="tax_code", value=value.strip())
    return normalise_tax_code(value)


def _email(value: str) -> str:
    if not search(EMAIL_PATTERN, value):
        raise invalid("email", "email")
    return value.strip()


# --------------------------------------------------------------------------- fast paths

#: What the fast paths accept: the usual forms, without separators; the exact validators take
#: the others (``0912 345 678``, a final newline, ...) and give every error.
RUST_CITIZEN_ID = "^(?:" + "|".join(CITIZEN_ID_PROVINCES) + r")[0-9]{9}\z"
RUST_PHONE_NATIONAL = r"^0(?:[35789][0-9]{8}|2[0-9]{9})\z"
RUST_PHONE_E164 = r"^\+84(?:[35789][0-9]{8}|2[0-9]{9})\z"
#: ``0912345678`` -> ``+84912345678``: ``str.replace`` of the first ``0``, called by
#: pydantic-core without a Python frame (``methodcaller`` and ``str.replace`` are C code).
_NATIONAL_TO_E164 = methodcaller("replace", "0", "+84", 1)


def _citizen_id_fast(field: Field) -> CoreSchema:
    return core_schema.str_schema(strict=True, pattern=RUST_CITIZEN_ID)


def _phone_fast(field: Field) -> CoreSchema:
    national = core_schema.str_schema(strict=True, pattern=RUST_PHONE_NATIONAL)
    return core_schema.union_schema(
        [
            core_schema.no_info_after_validator_function(_NATIONAL_TO_E164, national),
            core_schema.str_schema(strict=True, pattern=RUST_PHONE_E164),
        ],
        mode="left_to_right",
    )


def _email_fast(field: Field) -> CoreSchema:
    return core_schema.str_schema(
        strict=True, max_length=EMAIL_MAX_LENGTH, pattern=_python_end(EMAIL_PATTERN.pattern)
    )


# --------------------------------------------------------------------------- the field types


def _digits_only(text: str) -> Any:
    return re.sub(r"[\s.]", "", text)


def identifier_types() -> list[FieldType]:
    """The built-in identifier types: citizen_id, phone, tax_code, email, address."""
    identifier = {
        "type": "text",
        "inputmode": "numeric",
        "autocomplete": "off",
        "spellcheck": "false",
    }
    return [
        FieldType(
            name="citizen_id",
            annotation=lambda field: Annotated[str, Strict(), AfterValidator(_citizen_id)],
            json_schema=lambda field: {"type": "string", "pattern": CITIZEN_ID_PATTERN.pattern},
            macro="text_input",
            cel_type="string",
            from_form=_digits_only,
            input_attributes=identifier,
            checks=("citizen_id",),
            example=lambda field, variant: f"001206{123456 + variant:06d}",
            fast=_citizen_id_fast,
        ),
        FieldType(
            name="phone",
            annotation=lambda field: Annotated[str, Strict(), AfterValidator(_phone)],
            json_schema=lambda field: {
                "type": "string",
                "pattern": PHONE_PATTERN.pattern,
                "description": "A Vietnamese mobile or landline number; stored as +84...",
            },
            macro="text_input",
            cel_type="string",
            from_form=lambda text: re.sub(r"[()]", "", " ".join(text.split())),
            input_attributes={"type": "tel", "autocomplete": "tel"},
            example=lambda field, variant: f"09123456{variant % 100:02d}",
            fast=_phone_fast,
        ),
        FieldType(
            name="tax_code",
            annotation=lambda field: Annotated[str, Strict(), AfterValidator(_tax_code)],
            json_schema=lambda field: {"type": "string", "pattern": TAX_CODE_PATTERN.pattern},
            macro="text_input",
            cel_type="string",
            from_form=lambda text: re.sub(r"[\s.]", "", text),
            input_attributes={**identifier, "inputmode": "text"},
            checks=("tax_code",),
            example=lambda field, variant: ("0100233488", "0314409058-002")[variant % 2],
        ),
        FieldType(
            name="email",
            annotation=lambda field: Annotated[
                str,
                Strict(),
                StringConstraints(max_length=EMAIL_MAX_LENGTH),
                AfterValidator(_email),
            ],
            json_schema=lambda field: {
                "type": "string",
                "maxLength": EMAIL_MAX_LENGTH,
                "pattern": EMAIL_PATTERN.pattern,
            },
            macro="text_input",
            cel_type="string",
            from_form=str.strip,
            input_attributes={"type": "email", "autocomplete": "email", "spellcheck": "false"},
            example=lambda field, variant: "nguyenvanan@example.com",
            fast=_email_fast,
        ),
        _address_type(),
    ]
