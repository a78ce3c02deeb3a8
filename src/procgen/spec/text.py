"""Bilingual text: every label in a spec has a Vietnamese text and, ideally, an English one."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from procgen.types import Locale

__all__ = ["SpecModel", "Text"]


class SpecModel(BaseModel):
    """Base of every spec model: immutable, and unknown keys are errors, not ignored."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, use_attribute_docstrings=True
    )


class Text(SpecModel):
    """A text in Vietnamese (``vi``, required) and English (``en``).

    In YAML a plain string is accepted as the Vietnamese text alone::

        label: Họ và tên                       # vi only (the linter asks for English)
        label: {vi: Họ và tên, en: Full name}
    """

    vi: str = Field(min_length=1)
    """The Vietnamese text (required: Vietnamese is the default language)."""
    en: str | None = Field(default=None, min_length=1)
    """The English text (the linter warns when it is missing)."""

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"vi": data}
        return data

    def get(self, locale: Locale = "vi") -> str:
        """The text in ``locale``, falling back to Vietnamese when there is no English."""
        if locale == "en" and self.en:
            return self.en
        return self.vi

    def __str__(self) -> str:
        return self.vi

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        obj = handler(schema)
        return {
            "anyOf": [{"type": "string", "minLength": 1}, obj],
            "description": "A text: a plain string (Vietnamese) or {vi: ..., en: ...}.",
        }
