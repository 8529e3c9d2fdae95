"""What changed between two versions of an action plan (or a version and the draft), each change a
sentence in the reader's language, things by their names: "Priority «Vätgas» moved from Bredd to
Spets on the pyramid.", "Words added to priority «Vätgas»: elektrolys.", "Sub-goal «Fler företag»
is now measured by RCO01 Enterprises supported (before: Antal företag)." Pure: the plans service's
diff (``GET …/action-plans/{id}/diff``) and the two contents in, sentences out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kraftsamla_common.i18n import Messages

from .plan_forms import STEPS, Field, Labels, Step, shown, step_of_key


@dataclass(frozen=True)
class Sentence:
    text: str
    href: str | None = None
    """The step's page where the change can be seen (sections)."""


@dataclass
class DiffSentences:
    """The changes by what they are about, each part's sentences in the plan's order."""

    priorities: list[Sentence] = field(default_factory=list)
    sub_goals: list[Sentence] = field(default_factory=list)
    initiatives: list[Sentence] = field(default_factory=list)
    sections: list[Sentence] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.priorities or self.sub_goals or self.initiatives or self.sections)

    @property
    def count(self) -> int:
        return len(self.priorities) + len(self.sub_goals) + len(self.initiatives) + len(self.sections)


def _title(t: Messages, item: Mapping[str, Any] | None, fallback: str = "") -> str:
    if not item:
        return fallback
    title = item.get("title")
    if isinstance(title, Mapping):
        return t.text({str(k): str(v) for k, v in title.items() if v}) or fallback
    return str(title or fallback)


def _items(content: Mapping[str, Any] | None, key: str) -> dict[str, Mapping[str, Any]]:
    found: Any = content or {}
    for part in key.split("."):
        found = found.get(part) if isinstance(found, Mapping) else None
    return {str(x["id"]): x for x in found or [] if isinstance(x, Mapping) and "id" in x}


def _level(t: Messages, value: Any) -> str:
    return t(f"level_{value}") if value in ("bas", "bredd", "spets") else "–"


def _words(values: Sequence[Any]) -> str:
    return ", ".join(str(v) for v in values)


def _indicator(t: Messages, value: Any) -> str:
    """An indicator as "RCO01 Enterprises supported (number)"; "–" for none."""
    if not isinstance(value, Mapping) or not value.get("name"):
        return "–"
    text = str(value["name"])
    if value.get("code"):
        text = f"{value['code']} {text}"
    if value.get("unit"):
        text = f"{text} ({value['unit']})"
    return text


def _figure(t: Messages, value: Any, year: Any, key: str) -> str:
    """A baseline or target with its year ("180 by 2027"); "–" for none."""
    if value is None:
        return "–"
    shown_value = t.number(value) if isinstance(value, (int, float)) else str(value)
    return t(key, value=shown_value, year=str(year)) if year is not None else shown_value


def _part(step: Step, *keys: str) -> Field | None:
    """The field of a step at ``keys`` (``policy_mix``, ``initiatives``, ``funding_sources``)."""
    parts: Sequence[Any] = step.parts
    found: Any = None
    for key in keys:
        found = next((p for p in parts if p.key == key), None)
        if found is None:
            return None
        parts = getattr(found, "parts", ())
    return found if isinstance(found, Field) else None


def _changes(change: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {str(c["field"]): (c.get("before"), c.get("after")) for c in change.get("changes") or []}


def _priorities(
    t: Messages, diff: Mapping[str, Any], before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> list[Sentence]:
    out: list[Sentence] = []
    d = diff.get("priorities") or {}
    old, new = _items(before, "priorities"), _items(after, "priorities")
    for item in d.get("added") or []:
        out.append(
            Sentence(
                t("plans_diff_priority_added", title=_title(t, item), level=_level(t, item.get("level")))
            )
        )
    for item in d.get("removed") or []:
        out.append(
            Sentence(
                t("plans_diff_priority_removed", title=_title(t, item), level=_level(t, item.get("level")))
            )
        )
    for change in d.get("changed") or []:
        ident = str(change.get("id"))
        fields = _changes(change)
        title = _title(t, new.get(ident) or old.get(ident), ident)
        if "title" in fields:
            was = fields["title"][0]
            was_text = t.text(was) if isinstance(was, Mapping) else str(was or "")
            out.append(Sentence(t("plans_diff_priority_renamed", old=was_text, new=title)))
        if "level" in fields:
            b, a = fields["level"]
            out.append(
                Sentence(t("plans_diff_priority_moved", title=title, old=_level(t, b), new=_level(t, a)))
            )
        if "vocabulary" in fields:
            b, a = (list(v or []) for v in fields["vocabulary"])
            added = [w for w in a if w not in b]
            removed = [w for w in b if w not in a]
            if added:
                out.append(Sentence(t("plans_diff_priority_words_added", title=title, words=_words(added))))
            if removed:
                out.append(
                    Sentence(t("plans_diff_priority_words_removed", title=title, words=_words(removed)))
                )
            if not added and not removed:
                out.append(Sentence(t("plans_diff_priority_words_reordered", title=title)))
        if "description" in fields:
            out.append(Sentence(t("plans_diff_priority_description", title=title)))
        if "valid_from" in fields or "valid_until" in fields:
            item = new.get(ident) or {}
            was = old.get(ident) or {}
            out.append(
                Sentence(
                    t(
                        "plans_diff_priority_validity",
                        title=title,
                        start=shown(t, item.get("valid_from"), Field("valid_from", "date"), {}),
                        end=shown(t, item.get("valid_until"), Field("valid_until", "date"), {}),
                        old_start=shown(t, was.get("valid_from"), Field("valid_from", "date"), {}),
                        old_end=shown(t, was.get("valid_until"), Field("valid_until", "date"), {}),
                    )
                )
            )
    return out


def _sub_goals(
    t: Messages, diff: Mapping[str, Any], before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> list[Sentence]:
    out: list[Sentence] = []
    d = diff.get("sub_goals") or {}
    old, new = _items(before, "sub_goals"), _items(after, "sub_goals")
    for item in d.get("added") or []:
        out.append(
            Sentence(
                t(
                    "plans_diff_sub_goal_added",
                    title=_title(t, item),
                    indicator=_indicator(t, item.get("indicator")),
                    target=_figure(t, item.get("target"), item.get("target_year"), "plans_value_by_year"),
                )
            )
        )
    for item in d.get("removed") or []:
        out.append(Sentence(t("plans_diff_sub_goal_removed", title=_title(t, item))))
    for change in d.get("changed") or []:
        ident = str(change.get("id"))
        fields = _changes(change)
        title = _title(t, new.get(ident) or old.get(ident), ident)
        item, was = new.get(ident) or {}, old.get(ident) or {}
        if "title" in fields:
            b = fields["title"][0]
            out.append(
                Sentence(
                    t(
                        "plans_diff_sub_goal_renamed",
                        old=t.text(b) if isinstance(b, Mapping) else str(b),
                        new=title,
                    )
                )
            )
        if "indicator" in fields:
            b, a = fields["indicator"]
            out.append(
                Sentence(
                    t(
                        "plans_diff_sub_goal_indicator",
                        title=title,
                        old=_indicator(t, b),
                        new=_indicator(t, a),
                    )
                )
            )
        if "target" in fields or "target_year" in fields:
            out.append(
                Sentence(
                    t(
                        "plans_diff_sub_goal_target",
                        title=title,
                        old=_figure(t, was.get("target"), was.get("target_year"), "plans_value_by_year"),
                        new=_figure(t, item.get("target"), item.get("target_year"), "plans_value_by_year"),
                    )
                )
            )
        if "baseline" in fields or "baseline_year" in fields:
            out.append(
                Sentence(
                    t(
                        "plans_diff_sub_goal_baseline",
                        title=title,
                        old=_figure(t, was.get("baseline"), was.get("baseline_year"), "plans_value_in_year"),
                        new=_figure(
                            t, item.get("baseline"), item.get("baseline_year"), "plans_value_in_year"
                        ),
                    )
                )
            )
    return out


INITIATIVE_FIELDS = (
    "priority_ids",
    "target_groups",
    "funding_sources",
    "addresses",
    "start_year",
    "end_year",
)


def _initiatives(
    t: Messages,
    diff: Mapping[str, Any],
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    labels: Labels,
) -> list[Sentence]:
    out: list[Sentence] = []
    d = diff.get("initiatives") or {}
    old, new = _items(before, "policy_mix.initiatives"), _items(after, "policy_mix.initiatives")
    for item in d.get("added") or []:
        out.append(Sentence(t("plans_diff_initiative_added", title=_title(t, item))))
    for item in d.get("removed") or []:
        out.append(Sentence(t("plans_diff_initiative_removed", title=_title(t, item))))
    policy = STEPS[4]
    for change in d.get("changed") or []:
        ident = str(change.get("id"))
        fields = _changes(change)
        title = _title(t, new.get(ident) or old.get(ident), ident)
        if "title" in fields:
            out.append(Sentence(t("plans_diff_initiative_renamed", old=str(fields["title"][0]), new=title)))
        if "description" in fields:
            out.append(Sentence(t("plans_diff_initiative_description", title=title)))
        for key in INITIATIVE_FIELDS:
            if key not in fields:
                continue
            part = _part(policy, "policy_mix", "initiatives", key)
            b, a = fields[key]
            out.append(
                Sentence(
                    t(
                        "plans_diff_initiative_field",
                        title=title,
                        field=t(part.label_key) if part else key,
                        old=shown(t, b, part, labels),
                        new=shown(t, a, part, labels),
                    )
                )
            )
    return out


SECTION_STEPS = {
    "analysis": 1,
    "governance": 2,
    "vision": 3,
    "evaluation": 6,
    "next_review": 6,
    "policy_mix.portfolio": 5,
}
"""The step where each of the diff's other sections is edited."""


def _sections(
    t: Messages,
    diff: Mapping[str, Any],
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    step_href: str,
) -> list[Sentence]:
    out: list[Sentence] = []
    for name in diff.get("sections_changed") or []:
        number = SECTION_STEPS.get(str(name)) or (
            s.number if (s := step_of_key(str(name).split(".")[0])) is not None else None
        )
        href = f"{step_href}/{number}" if number else None
        if name == "next_review":
            day = Field("next_review", "date")
            text = t(
                "plans_diff_next_review",
                old=shown(t, (before or {}).get("next_review"), day, {}),
                new=shown(t, (after or {}).get("next_review"), day, {}),
            )
        else:
            key = f"plans_diff_section_{str(name).replace('.', '_')}"
            text = t(key) if t.has(key) else t("plans_diff_section_other", section=str(name))
        out.append(Sentence(text, href))
    return out


def diff_sentences(
    t: Messages,
    diff: Mapping[str, Any],
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    labels: Labels,
    step_href: str,
) -> DiffSentences:
    """The plans service's diff of two contents, as sentences: each priority added, removed, moved
    on the pyramid, renamed, its words or validity changed; each sub-goal added, removed, its
    indicator, baseline or target changed; each initiative; the other parts that changed, each
    linked to its step (``step_href``: the steps' path, ``/regions/r/plans/p/steps``)."""
    return DiffSentences(
        priorities=_priorities(t, diff, before, after),
        sub_goals=_sub_goals(t, diff, before, after),
        initiatives=_initiatives(t, diff, before, after, labels),
        sections=_sections(t, diff, before, after, step_href),
    )


def priority_names(t: Messages, *contents: Mapping[str, Any] | None) -> dict[str, str]:
    """The priorities' names by id, from any of the contents (the last that has one wins)."""
    out: dict[str, str] = {}
    for content in contents:
        for ident, item in _items(content, "priorities").items():
            out[ident] = _title(t, item, ident)
    return out
