"""On SQLite a request that only reads has a connection of its own beside the one writer
(``Database.read_session``): it refuses writes, and all its reads see one state of the database,
however many commits the writer makes meanwhile (a list's ETag and its rows must agree)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select
from sqlalchemy.exc import OperationalError

from kraftsamla_common.db import ALL_REGIONS, Database

ROWS = Table("rows", MetaData(), Column("id", Integer, primary_key=True))


async def test_a_readers_reads_see_one_state_while_the_writer_commits(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'readers.db'}")
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(ROWS.metadata.create_all)
            await conn.execute(insert(ROWS).values(id=1))
        count = select(func.count()).select_from(ROWS)
        async with db.read_session(ALL_REGIONS) as reader:
            assert await reader.scalar(count) == 1
            async with db.session(ALL_REGIONS) as writer, writer.begin():
                await writer.execute(insert(ROWS).values(id=2))
            assert await reader.scalar(count) == 1  # the state its first read saw
            with pytest.raises(OperationalError, match="readonly"):
                await reader.execute(insert(ROWS).values(id=3))
        async with db.read_session(ALL_REGIONS) as reader:
            assert await reader.scalar(count) == 2  # the next request reads the latest commit
    finally:
        await db.dispose()
