"""Conditional reads: which If-None-Match headers name the current ETag (RFC 9110 13.1.2)."""

from __future__ import annotations

import pytest

from kraftsamla_common.preconditions import not_modified, still_current


@pytest.mark.parametrize(
    ("header", "current"),
    [
        ('"a"', True),
        ('W/"a"', True),
        ('"b", "a"', True),
        ('"b",W/"a" ', True),
        ("*", True),
        ('"b"', False),
        ('"a-r2"', False),
        ("a", False),
        ("", False),
        (None, False),
    ],
)
def test_if_none_match_names_the_current_etag_weakly(header: str | None, current: bool) -> None:
    assert still_current(header, '"a"') is current
    assert still_current(header, 'W/"a"') is current


def test_not_modified_has_no_body_and_names_what_is_current() -> None:
    r = not_modified('"a"')
    assert r.status_code == 304 and r.body == b""
    assert r.headers["etag"] == '"a"' and r.headers["cache-control"] == "private, no-cache"
