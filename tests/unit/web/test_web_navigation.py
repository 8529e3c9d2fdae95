"""The region's navigation: sections and tabs for the pages that exist and the person may see."""

from __future__ import annotations

import pytest

from kraftsamla_web.domain.navigation import SECTIONS, navigation

pytestmark = pytest.mark.unit

ALL = frozenset(e.route for s in SECTIONS for e in (s.entry, *s.pages))


def test_only_pages_that_exist_are_offered() -> None:
    nav = navigation("norrbotten", "/regions/norrbotten", "viewer", frozenset({"desk", "applications"}))
    assert [link.key for link in nav.sections] == ["nav_desk", "nav_applications"]
    assert nav.sections[0].current and not nav.sections[1].current
    assert [link.aria_current for link in nav.sections] == ["page", None]
    assert nav.tabs == ()


def test_a_section_and_its_tab_are_current_below_their_path() -> None:
    nav = navigation("norrbotten", "/regions/norrbotten/reassessments/0190", "assessor", ALL)
    current = [(link.key, link.aria_current) for link in nav.sections if link.current]
    assert current == [("nav_applications", "true")]
    assert [(link.key, link.current) for link in nav.tabs] == [
        ("nav_applications", False),
        ("nav_reassessments", True),
    ]
    plans = navigation("norrbotten", "/regions/norrbotten/plans/abc/steps/4", "admin", ALL)
    assert [link.key for link in plans.tabs if link.current] == ["nav_action_plans"]
    assert [link.href for link in plans.sections if link.current] == ["/regions/norrbotten/plans"]


def test_administration_is_for_administrators_and_the_operator() -> None:
    for role, shown in (("viewer", False), ("assessor", False), ("admin", True), ("operator", True)):
        nav = navigation("lappi", "/regions/lappi", role, ALL)
        assert ("nav_admin" in [link.key for link in nav.sections]) is shown, role


def test_a_page_outside_the_region_has_no_current_section() -> None:
    nav = navigation("lappi", "/regions/lappi-other/actors", "viewer", ALL)
    assert not any(link.current for link in nav.sections)
    assert nav.tabs == ()
