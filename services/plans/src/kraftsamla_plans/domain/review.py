"""How often an action plan is revised, and when it is overdue: the one definition of the rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

REVISION_INTERVAL = timedelta(days=183)
"""Action plans are revised at least twice a year."""


@dataclass(frozen=True)
class Review:
    """Whether a plan is revised often enough."""

    last_revised: datetime | None
    next_review: date | None
    overdue: bool
    reason: str | None


def review_status(
    last_published: datetime | None, created: datetime, next_review: date | None, now: datetime
) -> Review:
    """Overdue when the next review date has passed, or nothing was published for six months."""
    reason = None
    since = last_published or created
    if next_review is not None and next_review < now.date():
        reason = f"the review planned for {next_review.isoformat()} has passed"
    elif now - since > REVISION_INTERVAL:
        what = "published" if last_published is None else "revised"
        reason = f"not {what} for more than six months (since {since.date().isoformat()})"
    return Review(
        last_revised=last_published, next_review=next_review, overdue=reason is not None, reason=reason
    )
