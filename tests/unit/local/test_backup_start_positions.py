"""Where a restored durable consumer starts (kraftsamla_local.backup): after everything it handled,
by its inbox, its dead letters, or its acknowledgements older than the inbox's retention; at the
first message it had not handled, whatever follows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from kraftsamla_local.backup import _matches, dead_lettered, start_sequence

COPIED = datetime(2026, 6, 1, tzinfo=UTC)
PRUNED_BEFORE = COPIED - timedelta(days=14)
FILTER = ["s3.*.plans.plan.published.v1"]


def message(
    seq: int, event: str, *, subject: str = "s3.r.plans.plan.published.v1", days: int = 1
) -> dict[str, Any]:
    return {
        "seq": seq,
        "new_seq": seq,
        "subject": subject,
        "time": (COPIED - timedelta(days=days)).isoformat(),
        "headers": {"Nats-Msg-Id": event},
    }


def test_subjects_match_as_nats_filters() -> None:
    assert _matches("s3.r.plans.plan.published.v1", "s3.*.plans.plan.published.v1")
    assert _matches("$KV.KRAFTSAMLA_KEYS.abc", "$KV.KRAFTSAMLA_KEYS.>")
    assert not _matches("s3.r.plans.plan.drafted.v1", "s3.*.plans.plan.published.v1")
    assert not _matches("s3.r.plans", "s3.*.plans.>")


def test_a_consumer_that_handled_everything_starts_after_the_last_message() -> None:
    messages = [message(1, "a"), message(2, "b")]
    assert start_sequence(messages, FILTER, {"a", "b"}) == 3


def test_the_first_message_not_in_the_inbox_is_delivered_and_what_follows() -> None:
    messages = [message(1, "a"), message(2, "b"), message(3, "c")]
    assert start_sequence(messages, FILTER, {"a", "c"}) == 2


def test_messages_of_other_subjects_do_not_hold_the_consumer_back() -> None:
    messages = [message(1, "x", subject="s3.r.plans.plan.drafted.v1"), message(2, "a")]
    assert start_sequence(messages, FILTER, {"a"}) == 3


def test_acknowledged_events_whose_inbox_rows_retention_removed_are_not_delivered_again() -> None:
    old = [message(1, "a", days=30), message(2, "b", days=20)]
    recent = [message(3, "c", days=2)]
    assert start_sequence(old + recent, FILTER, {"c"}, ack_floor=3, pruned_before=PRUNED_BEFORE) == 4


def test_an_event_acknowledged_after_the_databases_were_copied_is_delivered_again() -> None:
    # Recent, acknowledged at the streams' copy, but in no inbox: its effect is not in the database.
    messages = [message(1, "a", days=30), message(2, "b", days=0)]
    assert start_sequence(messages, FILTER, set(), ack_floor=2, pruned_before=PRUNED_BEFORE) == 2


def test_an_old_event_never_acknowledged_is_delivered() -> None:
    messages = [message(1, "a", days=30), message(2, "b", days=30)]
    assert start_sequence(messages, FILTER, set(), ack_floor=1, pruned_before=PRUNED_BEFORE) == 2


def test_dead_letters_count_as_handled_by_the_consumer_that_dead_lettered_them() -> None:
    saved = {
        "DEADLETTER": {
            "messages": [
                {"headers": {"Kraftsamla-Consumer": "reporting-x", "Nats-Msg-Id": "reporting-x:e1"}},
                {"headers": {"Nats-Msg-Id": "other"}},
            ]
        }
    }
    assert dead_lettered(saved) == {"reporting-x": {"e1"}}
