"""An empty fetch that nats-py reports as a bare timeout is no error in the services' logs; any other
failure of a consumer task still is."""

from __future__ import annotations

import logging

import pytest

from kraftsamla_common.bus import EmptyFetchIsNoError, TaskCallbackIsDebug


def record(exc: BaseException) -> logging.LogRecord:
    return logging.LogRecord(
        "kraftsamla.plans.bus",
        logging.ERROR,
        __file__,
        1,
        "Task-23 raised an exception, retrying...",
        None,
        (type(exc), exc, None),
    )


def test_a_bare_fetch_timeout_is_logged_at_debug_without_a_traceback() -> None:
    logger = logging.getLogger("kraftsamla.plans.bus")
    logger.setLevel(logging.INFO)
    r = record(TimeoutError())
    assert not EmptyFetchIsNoError().filter(r)  # at INFO, not logged at all
    assert (r.levelno, r.exc_info) == (logging.DEBUG, None)
    assert "no message" in r.getMessage()
    logger.setLevel(logging.DEBUG)
    try:
        assert EmptyFetchIsNoError().filter(record(TimeoutError()))
    finally:
        logger.setLevel(logging.NOTSET)


@pytest.mark.parametrize("exc", [RuntimeError("broken"), ConnectionError("gone")])
def test_other_failures_stay_errors(exc: BaseException) -> None:
    r = record(exc)
    assert EmptyFetchIsNoError().filter(r)
    assert r.levelno == logging.ERROR and r.exc_info is not None


def test_faststreams_line_per_finished_consumer_task_is_debug() -> None:
    logger = logging.getLogger("kraftsamla.actors.bus")
    logger.setLevel(logging.INFO)
    chatter = logging.LogRecord(
        logger.name, logging.INFO, __file__, 1, "callback for Task-19 is being executed...", None, None
    )
    try:
        assert not TaskCallbackIsDebug().filter(chatter)  # at INFO, not logged
        assert chatter.levelno == logging.DEBUG
        other = logging.LogRecord(logger.name, logging.INFO, __file__, 1, "consumer started", None, None)
        assert TaskCallbackIsDebug().filter(other) and other.levelno == logging.INFO
        logger.setLevel(logging.DEBUG)
        assert TaskCallbackIsDebug().filter(
            logging.LogRecord(
                logger.name, logging.INFO, __file__, 1, "callback for Task-3 is being executed...", None, None
            )
        )
    finally:
        logger.setLevel(logging.NOTSET)


def test_a_dead_letter_is_kept_under_its_consumer_error_region_and_event_type() -> None:
    from kraftsamla_common.bus import dead_letter_subject, parse_dead_letter_subject

    subject = dead_letter_subject(
        "plans-on-actor-registered", "RuntimeError", "s3.kronoberg.actors.actor.registered.v1"
    )
    assert subject == "deadletter.plans-on-actor-registered.RuntimeError.kronoberg.actors.actor.registered.v1"
    assert parse_dead_letter_subject(subject) == (
        "plans-on-actor-registered",
        "RuntimeError",
        "kronoberg",
        "actors.actor.registered.v1",
    )
    # A message on no event's subject, and one kept before the subject said more.
    assert dead_letter_subject("c", "unreadable", "elsewhere") == "deadletter.c.unreadable.unknown.unknown"
    assert parse_dead_letter_subject("deadletter.c") == ("c", "unknown", "unknown", "unknown")
