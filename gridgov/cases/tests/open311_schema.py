"""The GeoReport v2 JSON Schemas (copied beside this file from the Open311 project, with the
swagger definitions of the POST and token answers and the error list), to check every answer
the tests get."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

HERE = Path(__file__).parent / "open311_schemas"

# From the spec's swagger.json (RequestResponse, TokenResponse) and its error format.
EXTRA: dict[str, Any] = {
    "request-response": {
        "type": "array",
        "items": {
            "required": ["service_request_id"],
            "properties": {
                "service_request_id": {"type": "string"},
                "token": {"type": "string"},
                "service_notice": {"type": ["string", "null"]},
                "account_id": {"type": ["string", "null"]},
            },
        },
    },
    "token": {
        "type": "array",
        "minItems": 1,
        "items": {
            "required": ["service_request_id", "token"],
            "properties": {"service_request_id": {"type": "string"}, "token": {"type": "string"}},
        },
    },
    "errors": {
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "object",
            "required": ["code", "description"],
            "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
        },
    },
    "discovery": {
        "type": "object",
        "required": ["changeset", "endpoints"],
        "properties": {
            "changeset": {"type": "string", "format": "date-time"},
            "endpoints": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "required": ["specification", "url", "type", "formats"],
                    "properties": {
                        "url": {"type": "string", "format": "uri"},
                        "changeset": {"type": "string", "format": "date-time"},
                        "formats": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
        },
    },
}


def _load(name: str) -> Any:
    if name in EXTRA:
        return EXTRA[name]
    schema = json.loads((HERE / f"{name}.json").read_text())
    items = schema.get("items", {})
    if "$ref" in items:  # "requests" → an array of "request": inline the one reference
        schema = {"type": "array", "items": _load(items["$ref"].removesuffix(".json"))}
    return schema


@cache
def _validator(name: str) -> Any:
    return jsonschema_rs.validator_for(_load(name), validate_formats=True)


def check(name: str, data: Any) -> Any:
    """`data` if it is valid against schema `name`; the first error otherwise."""
    _validator(name).validate(data)
    return data
