"""Addresses in the two-level administrative units of 1 July 2025: ``{province, commune, street}``.

``province`` is the 2-digit code of one of the 34 provinces and centrally-run cities, ``commune``
the 5-digit code of one of their communes, wards and special zones (package
``vietnam-provinces``), and the commune must belong to the province.

    >>> province("01")
    'Thành phố Hà Nội'
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Strict, StringConstraints
from pydantic import model_validator as _model_validator

from procgen.forms.types import NOT_BLANK, FieldType, invalid, search

__all__ = [
    "ADDRESS_SCHEMA",
    "Address",
    "address_type",
    "commune",
    "communes",
    "province",
    "provinces",
]

PROVINCE_CODE = r"^[0-9]{2}$"
COMMUNE_CODE = r"^[0-9]{5}$"
_PROVINCE_CODE = re.compile(PROVINCE_CODE)
_COMMUNE_CODE = re.compile(COMMUNE_CODE)
STREET_MAX_LENGTH = 200


@cache
def _units() -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    from vietnam_provinces import Province, Ward

    provinces = {f"{p.code:02d}": p.name for p in Province.iter_all()}
    communes = {f"{w.code:05d}": (w.name, f"{w.province_code:02d}") for w in Ward.iter_all()}
    return provinces, communes


def province(code: str) -> str | None:
    """The name of the province or centrally-run city with ``code`` (``"01"``), if any."""
    return _units()[0].get(code)


def commune(code: str) -> tuple[str, str] | None:
    """``(name, province code)`` of the commune, ward or special zone with ``code``."""
    return _units()[1].get(code)


def provinces() -> tuple[tuple[str, str], ...]:
    """Every province as ``(code, name)``, by code: the options of a province select."""
    return tuple(sorted(_units()[0].items()))


def communes(province_code: str) -> tuple[tuple[str, str], ...]:
    """The communes of a province as ``(code, name)``, by code."""
    return tuple(
        sorted(
            (code, name) for code, (name, parent) in _units()[1].items() if parent == province_code
        )
    )


def _province_code(value: str) -> str:
    if not search(_PROVINCE_CODE, value):
        raise invalid("address", "address")
    return value.strip()


def _commune_code(value: str) -> str:
    if not search(_COMMUNE_CODE, value):
        raise invalid("address", "address")
    return value.strip()


def _street(value: str) -> str:
    if not search(NOT_BLANK, value):
        raise invalid("blank", "blank")
    return value


class Address(BaseModel):
    """An address in the two-level units of 2025: codes of the province and of the commune."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    province: Annotated[str, Strict(), AfterValidator(_province_code)]
    commune: Annotated[str, Strict(), AfterValidator(_commune_code)]
    street: Annotated[
        str,
        Strict(),
        StringConstraints(min_length=1, max_length=STREET_MAX_LENGTH),
        AfterValidator(_street),
    ]

    @_model_validator(mode="after")
    def _units_exist(self) -> Address:
        province_name = province(self.province)
        if province_name is None:
            raise invalid(
                "address", "address.province", check="address", part="province", code=self.province
            )
        found = commune(self.commune)
        if found is None:
            raise invalid(
                "address", "address.commune", check="address", part="commune", code=self.commune
            )
        if found[1] != self.province:
            raise invalid(
                "address",
                "address.mismatch",
                check="address",
                part="commune",
                commune=found[0],
                province=province_name,
            )
        return self


ADDRESS_SCHEMA: Mapping[str, Any] = MappingProxyType(
    {
        "type": "object",
        "properties": {
            "province": {"type": "string", "pattern": PROVINCE_CODE, "title": "Tỉnh, thành phố"},
            "commune": {"type": "string", "pattern": COMMUNE_CODE, "title": "Xã, phường, đặc khu"},
            "street": {
                "type": "string",
                "minLength": 1,
                "maxLength": STREET_MAX_LENGTH,
                "pattern": NOT_BLANK.pattern,
                "title": "Số nhà, đường, thôn, xóm",
            },
        },
        "required": ["province", "commune", "street"],
        "additionalProperties": False,
        "description": "Codes of the province (2 digits) and commune (5 digits) of the 2025 "
        "two-level administrative units, and the street address.",
    }
)


def address_type() -> FieldType:
    """The ``address`` field type: an :class:`Address`."""
    return FieldType(
        name="address",
        annotation=lambda field: Address,
        json_schema=lambda field: copy.deepcopy(dict(ADDRESS_SCHEMA)),
        macro="address",
        cel_type="map(string, string)",
        input_attributes={"autocomplete": "street-address"},
        checks=("address",),
        example=lambda field, variant: {
            "province": "01",
            "commune": communes("01")[variant % 3][0],
            "street": "Số 1 Hoàng Diệu",
        },
    )
