"""The head of each service's migrations, as read from the files without Alembic at every start,
is Alembic's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from kraftsamla_common.db import script_heads

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("service", ["plans", "actors", "assessment", "reporting"])
def test_heads_read_from_the_files_are_alembics(service: str) -> None:
    migrations = ROOT / "services" / service / "src" / f"kraftsamla_{service}" / "migrations"
    assert script_heads(migrations) == set(ScriptDirectory(str(migrations)).get_heads())


def test_a_branch_has_two_heads_and_a_revision_not_written_as_a_literal_leaves_it_to_alembic(
    tmp_path: Path,
) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "a.py").write_text('revision = "a"\ndown_revision = None\n')
    (versions / "b.py").write_text('revision: str = "b"\ndown_revision: str | None = "a"\n')
    (versions / "c.py").write_text('revision = "c"\ndown_revision = ("a",)\n')
    assert script_heads(tmp_path) == {"b", "c"}
    (versions / "d.py").write_text('revision = make_id()\ndown_revision = "c"\n')
    assert script_heads(tmp_path) is None
