"""Reading evidence databases without ever writing to them, and without failing whole.

Evidence is opened read-only and `immutable`, so SQLite neither takes locks nor replays a
journal into it. A database in WAL mode is only complete with its `-wal` file, which
`immutable` would ignore: sources hand such a database over as a private copy made together
with its `-wal`/`-shm` (EvidenceFile.private_copy), which is opened normally so SQLite
replays the log into the copy.

A schema variant that lacks a column still yields its rows, with NULL for the missing column
and a note on the file (coverage then says `partial`); a missing table is a note and no rows.

A large table is read in parts (Artifact.parse_part) by ranking its rows in rowid order in
SQLite: each part fetches only its own blocks of rows, so the parts share the Python work.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from urllib.parse import quote

from spytrace.errors import EvidenceError
from spytrace.model import PART_BLOCK, EvidenceFile

_MISSING_COLUMN = re.compile(r"no such column: ([\w.]+)")
_MISSING_TABLE = re.compile(r"no such table: ([\w.]+)")
_MAX_SCHEMA_RETRIES = 16
_NAME = re.compile(r"\w+")
# The rowids of one part's blocks: the n-th row in rowid order belongs to block n // PART_BLOCK,
# and block b to part b % parts (model.in_part).
_RANKED = (
    "SELECT r FROM (SELECT _rowid_ AS r, ROW_NUMBER() OVER (ORDER BY _rowid_) - 1 AS n "
    "FROM {table}) WHERE n / ? % ? = ?"
)


def connect(db: EvidenceFile) -> sqlite3.Connection:
    uri = f"file:{quote(str(db.path))}?" + ("mode=rw" if db.private_copy else "mode=ro&immutable=1")
    try:
        conn = sqlite3.connect(uri, uri=True)
        conn.row_factory = sqlite3.Row
        # Fails here, not at the first query, on a file that is not a database at all.
        conn.execute("SELECT name FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.DatabaseError as exc:
        raise EvidenceError(f"{db.logical_path}: not a readable SQLite database ({exc})") from exc
    return conn


def tables(db: EvidenceFile) -> set[str]:
    with closing(connect(db)) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def columns(db: EvidenceFile, table: str) -> set[str]:
    with closing(connect(db)) as conn:
        if not _NAME.fullmatch(table):
            raise ValueError(f"not a table name: {table!r}")
        return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}


def part_rows(
    db: EvidenceFile, sql: str, table: str, alias: str, part: int, parts: int
) -> Iterator[sqlite3.Row]:
    """rows() of `sql`, a query over `table` (named `alias` in it) in rowid order with a
    `{where}` slot, for part `part` of `parts`: the rows whose records in_part() gives it, when
    each row of `table` makes one record."""
    if parts == 1:
        yield from rows(db, sql.format(where=""))
    elif _rankable(db, table):
        where = f"WHERE {alias}._rowid_ IN ({_RANKED.format(table=table)})"
        yield from rows(db, sql.format(where=where), (PART_BLOCK, parts, part))
    elif part == 0:
        # Not to be shared (see _rankable): the first part reads it all, as one read would,
        # the others nothing; parts.join puts that back in order as well.
        yield from rows(db, sql.format(where=""))


def _rankable(db: EvidenceFile, table: str) -> bool:
    """Whether parts can share `table` by ranking its rows in rowid order: it is a table with
    a rowid (no view, no WITHOUT ROWID table), every name of the rowid stands for it (a column
    named rowid or oid that is not the INTEGER PRIMARY KEY would not), and the database passes
    SQLite's quick check (in a damaged one, parts would stop at other rows than one read)."""
    if not _NAME.fullmatch(table):
        raise ValueError(f"not a table name: {table!r}")
    with closing(connect(db)) as conn:  # a file that is no database fails every part alike
        try:
            kind = conn.execute(
                "SELECT type FROM sqlite_master WHERE name = ?", (table,)
            ).fetchone()
            if kind is None or kind[0] != "table":
                return False
            if any(r[1].lower() == "_rowid_" for r in conn.execute(f"PRAGMA table_info({table})")):
                return False
            names = f"SELECT count(*) FROM {table} WHERE rowid IS NOT _rowid_ OR oid IS NOT _rowid_"  # noqa: S608 (a \w+ name)
            if conn.execute(names).fetchone()[0]:
                return False
            return [row[0] for row in conn.execute("PRAGMA quick_check(1)")] == ["ok"]
        except sqlite3.DatabaseError:
            return False  # rows() says what is wrong with it


def rows(db: EvidenceFile, sql: str, params: tuple[object, ...] = ()) -> Iterator[sqlite3.Row]:
    """The rows of a query, tolerant of schema variants and of text that is not UTF-8."""
    with closing(connect(db)) as conn:
        for _ in range(_MAX_SCHEMA_RETRIES):
            try:
                cursor = conn.execute(sql, params)
            except sqlite3.OperationalError as exc:
                message = str(exc)
                if column := _MISSING_COLUMN.search(message):
                    db.notes.append(f"column {column.group(1)} missing")
                    sql = _without_column(sql, column.group(1))
                    continue
                if table := _MISSING_TABLE.search(message):
                    db.notes.append(f"table {table.group(1)} missing")
                    return
                raise EvidenceError(f"{db.logical_path}: {message}") from exc
            except sqlite3.DatabaseError as exc:
                raise EvidenceError(f"{db.logical_path}: corrupt database ({exc})") from exc
            break
        else:
            raise EvidenceError(f"{db.logical_path}: schema too different to read")
        done = 0
        try:
            for row in cursor:
                yield row
                done += 1
        except sqlite3.OperationalError as exc:
            if "decode" not in str(exc):
                raise EvidenceError(f"{db.logical_path}: {exc}") from exc
            # Broken UTF-8 in some row: run the query again past the rows already given,
            # replacing what cannot be decoded (rare, so the usual path keeps C decoding).
            db.notes.append("text that is not valid UTF-8 was replaced")
            conn.text_factory = lambda b: b.decode("utf-8", "replace")
            yield from itertools.islice(conn.execute(sql, params), done, None)
        except sqlite3.DatabaseError as exc:
            db.notes.append(f"database damaged part-way: {exc}")


def _without_column(sql: str, column: str) -> str:
    """The query with a missing column read as NULL, under its own name where it is selected."""
    name = column.rsplit(".", 1)[-1]
    split = re.search(r"\sFROM\s", sql, re.IGNORECASE)
    head, sep, tail = (
        (sql[: split.start()], split.group(0), sql[split.end() :]) if split else (sql, "", "")
    )
    pattern = re.compile(rf"(?<![\w.]){re.escape(column)}(?!\w)(\s+AS\s+\w+)?", re.IGNORECASE)
    selected = [False]

    def in_select(match: re.Match[str]) -> str:
        first = not selected[0]
        selected[0] = True
        return "NULL" + (match.group(1) or (f" AS {name}" if first else ""))

    return pattern.sub(in_select, head) + sep + pattern.sub("NULL", tail)
