"""Where text enters: the one place per interface that normalises it (core.lib.text) before
anything validates it — page forms (`TextForm`), API input schemas (`InputSchema`),
spreadsheet rows (`normalised_cells`). docs/adr/0011-input-text.md."""

from __future__ import annotations

import datetime as dt
import functools
import re
import types
import typing
from typing import Annotated, Any, ClassVar

from django import forms
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BeforeValidator, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from gridgov.core.lib import text

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def refused_message(label: str) -> str:
    """What a person is told of a refused character (`RefusedCharacter.label`)."""
    return _(
        "Contains a character that is not allowed (%(char)s): remove it and type it again."
    ) % {"char": label}


# ---------------------------------------------------------------- page forms


def _normalised_to_python(to_python: Any, multiline: bool, value: Any) -> Any:
    if isinstance(value, str):
        try:
            value = text.normalise(value, multiline=multiline)
        except text.RefusedCharacter as e:
            raise forms.ValidationError(
                refused_message(e.label), code="refused_character"
            ) from None
    return to_python(value)


class TextForm(forms.Form):
    """A form whose text fields hold normalised text: normalised before the field's own
    checks (length, required), refused with a message next to the field. A field with a
    Textarea keeps its newlines."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # JSONField is a CharField too: its text is a document, not a person's words.
            if isinstance(field, forms.CharField) and not isinstance(field, forms.JSONField):
                multiline = isinstance(field.widget, forms.Textarea)
                # self.fields are this form's own copies: the class's fields stay as they are.
                field.to_python = functools.partial(  # type: ignore[method-assign]
                    _normalised_to_python, field.to_python, multiline
                )


# ---------------------------------------------------------------- API schemas


def _normalised(value: Any, multiline: bool) -> Any:
    if isinstance(value, str):
        return text.normalise(value, multiline=multiline)
    if isinstance(value, list):
        return [_normalised(v, multiline) for v in value]
    if isinstance(value, dict):
        return {_normalised(k, False): _normalised(v, multiline) for k, v in value.items()}
    return value


def _iso_date(value: Any) -> Any:
    """Dates are ISO strings only: pydantic would otherwise read `0` or `"0"` as
    1970-01-01, which the OpenAPI document says is not a date."""
    if value is None or isinstance(value, dt.date):
        return value
    if isinstance(value, str) and ISO_DATE.match(value):
        return value
    raise PydanticCustomError("date_type", "not an ISO date")


# A date parameter of an endpoint (query or path), as strict as InputSchema's dates.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


def _holds(annotation: Any, kind: type) -> bool:
    """Whether a field annotated `annotation` takes a `kind` (alone or in a union)."""
    if annotation is kind or annotation is Any:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_holds(a, kind) for a in typing.get_args(annotation))
    return False


def _is_date(annotation: Any) -> bool:
    return annotation is not Any and _holds(annotation, dt.date)


class InputSchema(Schema):
    """The base of every API input (bodies and query filters). Text is normalised before
    the field's own checks; a refused character is a 422 naming the field. Dates are ISO
    strings only (`_iso_date`)."""

    # Fields whose text keeps its newlines (notes); the rest is one line.
    multiline_fields: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _hygiene(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name or ""
        field = cls.model_fields.get(name)
        if field is not None and _is_date(field.annotation):
            value = _iso_date(value)
        if isinstance(value, bool) and field is not None and not _holds(field.annotation, bool):
            # pydantic reads true as 1 where a number is asked for; the document says no.
            raise PydanticCustomError("int_parsing", "not a number")
        try:
            return _normalised(value, name in cls.multiline_fields)
        except text.RefusedCharacter as e:
            raise PydanticCustomError(
                "text_refused", "refused character {label}", {"label": e.label}
            ) from None


# ---------------------------------------------------------------- spreadsheet rows


def normalised_cells(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """A row's cells with their text normalised, and a message per refused cell (whose
    value becomes None: the rest of the row is still checked)."""
    out: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for key, value in values.items():
        if isinstance(value, str):
            try:
                value = text.normalise(value)
            except text.RefusedCharacter as e:
                problems[key] = refused_message(e.label)
                value = None
        out[key] = value
    return out, problems
