"""The same row, read from SQLite and from PostgreSQL, gives the same checksum.

The two drivers hand back different Python values for one stored value: SQLite a text ``2026-12-03 14:50:20.5``
and an integer ``1``, PostgreSQL a ``datetime`` and ``True``. Each value is therefore put in a canonical form by
the kind of its column in the target (the migrations made that schema from the models), the row written as
JSON and hashed with SHA-256, and a table's checksum is the sum of its rows' hashes modulo 2**256. The sum does
not depend on the order of the rows, so no collation of a text key (SQLite's bytes, PostgreSQL's locale) can
make two equal tables differ; a changed, missing or added row changes it.
"""
from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

import peewee as pw

BATCH = 1000
_MODULUS = 2 ** 256

# PostgreSQL's data_type -> the kind that decides the canonical form.
_KINDS = {"boolean": "bool", "smallint": "int", "integer": "int", "bigint": "int", "date": "date",
          "timestamp without time zone": "timestamp", "timestamp with time zone": "timestamp",
          "bytea": "bytes", "numeric": "decimal", "double precision": "float", "real": "float"}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # bool, int, date, timestamp, bytes, decimal, float or text


@dataclass(frozen=True)
class Tally:
    rows: int
    checksum: str


@dataclass(frozen=True)
class Mismatch:
    table: str
    source: Tally
    target: Tally


def columns_of(target: pw.PostgresqlDatabase, table: str) -> list[Column]:
    """The table's columns in the target, in their order, each with its kind."""
    cursor = target.execute_sql(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = %s ORDER BY ordinal_position", (table,))
    return [Column(name, _KINDS.get(data_type, "text")) for name, data_type in cursor.fetchall()]


def canonical(value, kind: str):
    """One value in the form both engines agree on (JSON-serialisable)."""
    if value is None:
        return None
    if kind == "bool":
        return bool(value)
    if kind == "int":
        return int(value)
    if kind == "timestamp":
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    if kind == "date":
        if isinstance(value, dt.datetime):
            value = value.date()
        return (dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value).isoformat()
    if kind == "bytes":
        return (value.encode() if isinstance(value, str) else bytes(value)).hex()
    if kind == "decimal":
        return format(decimal.Decimal(str(value)).normalize(), "f")
    if kind == "float":
        return repr(float(value))
    return str(value)


def select_all(table: str, columns: list[Column], order_by: tuple[str, ...] = ()) -> pw.Select:
    """The columns' values of every row, built by peewee (which quotes the names) rather than as text."""
    source = pw.Table(table)
    return source.select(*(pw.Column(source, column.name) for column in columns)).order_by(
        *(pw.Column(source, name) for name in order_by))


def read_cursor(database: pw.Database, query: pw.Select):
    """A cursor over a query's rows that fetches them as they are read: PostgreSQL's plain cursor would hold
    the whole table in memory, so a named (server-side) one; SQLite steps anyway. The named cursor is declared
    WITH HOLD because peewee runs the driver in autocommit mode (its own BEGIN), where psycopg refuses a plain
    one; it is closed before the caller's transaction ends, so nothing is kept past it."""
    if isinstance(database, pw.PostgresqlDatabase):
        sql, params = database.get_sql_context().sql(query).query()
        with pw.__exception_wrapper__:  # driver errors as peewee's, like every other query
            cursor = database.connection().cursor(name="perspektive_relocation", withhold=True)
            cursor.execute(sql, params)
        return cursor
    return database.execute(query)


def tally(database: pw.Database, table: str, columns: list[Column],
          progress: Callable[[int], None] = lambda n: None) -> Tally:
    """Row count and checksum of one table in ``database`` (either engine)."""
    cursor = read_cursor(database, select_all(table, columns))
    rows, total = 0, 0
    while batch := cursor.fetchmany(BATCH):
        for row in batch:
            text = json.dumps([canonical(value, column.kind) for value, column in zip(row, columns)],
                              ensure_ascii=False, separators=(",", ":"))
            total = (total + int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")) % _MODULUS
        rows += len(batch)
        progress(len(batch))
    cursor.close()
    return Tally(rows, f"{total:064x}")


def verify(source: pw.Database, target: pw.PostgresqlDatabase, tables: list[str],
           progress: Callable[[int], None] = lambda n: None) -> tuple[dict[str, Tally], list[Mismatch]]:
    """Each table's tally on both sides: the target's tallies, and every table whose two tallies differ."""
    found, mismatches = {}, []
    for table in tables:
        columns = columns_of(target, table)
        theirs, ours = tally(source, table, columns, progress), tally(target, table, columns)
        found[table] = ours
        if theirs != ours:
            mismatches.append(Mismatch(table, theirs, ours))
    return found, mismatches
