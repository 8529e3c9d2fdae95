"""Problems found in a document, each with a JSON pointer to where it is."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Problem = dict[str, Any]


def problem(pointer: str, message: str) -> Problem:
    return {"pointer": pointer, "message": message}


def duplicates(ids: Iterable[str], pointer: str, what: str) -> list[Problem]:
    seen: set[str] = set()
    out = []
    for i, ident in enumerate(ids):
        if ident in seen:
            out.append(problem(f"{pointer}/{i}/id", f"{what} id {ident!r} is used twice"))
        seen.add(ident)
    return out
