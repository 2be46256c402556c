"""Base for fixture builders that write SQLite databases with a vendor's real schema."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar, Self

from spytrace.model import EvidenceFile


class SqliteBuilder:
    """Writes `SCHEMA` (the vendor's CREATE statements) into a fresh file, then rows.

    `build()` closes the database and returns it as the EvidenceFile a parser receives,
    under the builder's logical path (the backup layout unless another is given).
    """

    SCHEMA: ClassVar[str]
    LOGICAL_PATH: ClassVar[str]

    def __init__(self, directory: Path, *, logical_path: str | None = None, wal: bool = False):
        self.logical_path = logical_path or self.LOGICAL_PATH
        self.path = Path(directory) / self.logical_path.replace("/", "_")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.unlink(missing_ok=True)
        self.conn = sqlite3.connect(self.path)
        if wal:
            self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.executescript(self.SCHEMA)

    def insert(self, table: str, **values: Any) -> int:
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self.conn.execute(
            f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(values.values())
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def insert_many(self, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
        """Rows in order, batched by their column set, with executemany (bulk fixtures)."""

        def columns_of(row: Mapping[str, Any]) -> tuple[str, ...]:
            return tuple(row)

        for names, batch in itertools.groupby(rows, key=columns_of):
            columns = ", ".join(names)
            marks = ", ".join("?" for _ in names)
            self.conn.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                (tuple(row.values()) for row in batch),
            )

    def build(self) -> EvidenceFile:
        self.conn.commit()
        self.conn.close()
        return EvidenceFile(self.logical_path, self.path)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.close()
