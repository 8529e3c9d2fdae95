"""The assessment's refusals of a change (a review, an assignment, a decision, a status), as keys of
its catalogue with their values: the problem's ``detail`` is worded when the answer is written, in
the language of the request's ``Accept-Language`` (``kraftsamla_common.errors.saying``)."""

from __future__ import annotations

from collections.abc import Iterable

from kraftsamla_common.errors import saying

from ..domain.wording import PACKAGE, Part

said = saying(PACKAGE)


def status(value: str) -> Part:
    """An application's status by its name, quoted (“Withdrawn”)."""
    return Part("quoted", {"text": Part(f"status_{value}")})


def titles(names: Iterable[str]) -> list[Part]:
    """Applications by their titles, each quoted."""
    return [Part("quoted", {"text": name}) for name in names]
