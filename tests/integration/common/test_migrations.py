"""Migrations on start: a database behind is brought to head; a database at head is left as it is,
without loading Alembic (the start of every service but the first)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import Connection, inspect, text

from kraftsamla_common.db import Database

PLANS = Path(__file__).resolve().parents[3] / "services" / "plans" / "src" / "kraftsamla_plans" / "migrations"


def _upgrade_to(connection: Connection, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(PLANS))
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)


def _head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(PLANS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None and head > "0005"
    return head


async def test_a_database_behind_is_migrated_to_head(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'plans.db'}")
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(_upgrade_to, "0005")  # as a database from before the last release
        await db.migrate(PLANS)
        async with db.engine.connect() as conn:
            assert (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars().all() == [
                _head()
            ]
            assert await conn.run_sync(lambda c: inspect(c).has_table("programme_checklists"))
    finally:
        await db.dispose()


def test_a_database_at_head_is_left_as_it_is_without_loading_alembic(tmp_path: Path) -> None:
    script = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "from kraftsamla_common.db import Database\n"
        "db = Database(sys.argv[1])\n"
        "asyncio.run(db.migrate(Path(sys.argv[2])))\n"
        "print('alembic' in sys.modules)\n"
    )

    def migrate() -> str:
        url = f"sqlite+aiosqlite:///{tmp_path / 'plans.db'}"
        done = subprocess.run(
            [sys.executable, "-c", script, url, str(PLANS)], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip()

    assert migrate() == "True"  # a new database: Alembic creates the tables
    assert migrate() == "False"  # at head: nothing to do, and Alembic is not even loaded
