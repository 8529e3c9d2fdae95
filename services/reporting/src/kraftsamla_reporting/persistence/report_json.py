"""A report version is stored as JSON: its content and what it was built from, as the domain's
types serialise, and read back into them (fields added since an old version take their defaults)."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from ..domain.content import BuiltFrom, ReportContent

_CONTENT = TypeAdapter(ReportContent)
_BUILT_FROM = TypeAdapter(BuiltFrom)


def content_json(content: ReportContent) -> dict[str, Any]:
    data: dict[str, Any] = _CONTENT.dump_python(content, mode="json")
    return data


def built_from_json(built_from: BuiltFrom) -> dict[str, Any]:
    data: dict[str, Any] = _BUILT_FROM.dump_python(built_from, mode="json")
    return data


def load_content(data: dict[str, Any]) -> ReportContent:
    return _CONTENT.validate_python(data)


def load_built_from(data: dict[str, Any]) -> BuiltFrom:
    return _BUILT_FROM.validate_python(data)
