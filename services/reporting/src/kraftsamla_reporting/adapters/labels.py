"""The report's labels, headings and sentences in the reader's language, from the catalogues in
``kraftsamla_reporting/locale`` (``sv``, ``en``, ``fi``); the region's own texts are shown as written.
``{name}`` fields are filled from the figures an entry carries."""

from __future__ import annotations

from kraftsamla_common.i18n import Language, Messages
from kraftsamla_common.municipalities import municipality_by_code

GOAL_COLOURS = {
    1: "#E5243B", 2: "#DDA63A", 3: "#4C9F38", 4: "#C5192D", 5: "#FF3A21", 6: "#26BDE2",
    7: "#FCC30B", 8: "#A21942", 9: "#FD6925", 10: "#DD1367", 11: "#FD9D24", 12: "#BF8B2E",
    13: "#3F7E44", 14: "#0A97D9", 15: "#56C02B", 16: "#00689D", 17: "#19486A",
}  # fmt: skip
"""The UN's colours of the 17 goals."""

PACKAGE = "kraftsamla_reporting"


class Labels(Messages):
    """The report's messages in one language: ``t("s4")``, ``t.goal(7)``, ``t.industry("M")``."""

    def __init__(self, language: Language) -> None:
        super().__init__(language, (PACKAGE,))

    def goal(self, number: int) -> str:
        return self(f"goal_{number}")

    def industry(self, section: str) -> str:
        """A NACE section by its name (``M`` → "Verksamhet inom juridik, ekonomi, vetenskap och teknik")."""
        key = f"nace_{section}"
        return self(key) if self.has(key) else section

    def municipality(self, code: str) -> str:
        """A municipality by its name (``2380`` → "Östersund"); the code where the register has none."""
        found = municipality_by_code(code)
        return found.name if found else code
