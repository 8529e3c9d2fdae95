"""How often an action plan is revised, and when it is overdue: the one definition of the rule.

The plans service applies it and says when in its events (``review_due`` of a published version),
so that no other service reckons it again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

REVISION_INTERVAL = timedelta(days=183)
"""Action plans are revised at least twice a year."""


def review_due(last_published: datetime | None, created: datetime, next_review: date | None) -> datetime:
    """The last moment an action plan is on time: six months after it was last published (or, never
    published, created), or the end of its planned review's day, whichever is first. After it, the
    plan is overdue."""
    due = (last_published or created) + REVISION_INTERVAL
    if next_review is not None:
        due = min(due, datetime.combine(next_review, time.max, UTC))
    return due


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
    """Overdue from :func:`review_due` on, with the reason in words."""
    reason = None
    if now > review_due(last_published, created, next_review):
        since = last_published or created
        if next_review is not None and next_review < now.date():
            reason = f"the review planned for {next_review.isoformat()} has passed"
        else:
            what = "published" if last_published is None else "revised"
            reason = f"not {what} for more than six months (since {since.date().isoformat()})"
    return Review(
        last_revised=last_published, next_review=next_review, overdue=reason is not None, reason=reason
    )
