"""Moving an embedded installation's SQLite database into an empty PostgreSQL database.

The target gets its schema from the project's own migrations (so its ``schema_migration`` rows and column types
are those of a PostgreSQL installation made by ``migrate``), then every table's rows, parents before children
(foreign keys), in batches, all in one transaction of the target and one read transaction of the source (one
moment of it). Values are copied as stored: sealed columns stay sealed under the data key that both installations
share (the key file lives in the data directory, or in the environment), nothing is decrypted. The sequences are
set past the highest id, then both sides are counted and checksummed (``checksums``); a difference rolls the whole
transaction back, so the target is either a verified copy or as empty as it was.
"""
from __future__ import annotations

import contextlib
import graphlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import peewee as pw

from perspektive.db import connect_database, db
from perspektive.migrations import MIGRATIONS, migrate

from .checksums import BATCH, Column, Mismatch, Tally, columns_of, read_cursor, select_all, verify

# ``show(label, total)``: a context manager giving ``update(rows)``, e.g. a progress bar.
Show = Callable[[str, int], contextlib.AbstractContextManager]


class RelocationError(RuntimeError):
    """The move was refused or failed; the message says why (German, for the operator)."""


@dataclass(frozen=True)
class Relocation:
    tallies: dict[str, Tally]  # table -> rows and checksum, in copying order

    @property
    def rows(self) -> int:
        return sum(tally.rows for tally in self.tallies.values())


def _quiet(label: str, total: int):
    return contextlib.nullcontext(lambda rows: None)


def _first_line(error: Exception) -> str:
    """What went wrong, without the value: PostgreSQL's later lines, and a quoted value in the first (``invalid
    input syntax for type date: "…"``), may be personal data."""
    lines = [line for line in str(error).splitlines() if line.strip()]
    return lines[0].split(': "', 1)[0][:300] if lines else error.__class__.__name__


def sqlite_source(url: str) -> Path:
    if urlparse(url).scheme != "sqlite":
        raise RelocationError("Die konfigurierte Datenbank (PERSPEKTIVE_DATABASE_URL) ist keine SQLite-Datenbank: "
                              "`migrate-to` zieht nur eine eingebettete Installation (SQLite) um.")
    path = Path(url[len("sqlite:///"):])
    if not path.is_file():
        raise RelocationError(f"Die Quelldatenbank {path} gibt es nicht.")
    return path


def open_target(url: str) -> pw.PostgresqlDatabase:
    scheme = urlparse(url).scheme
    if scheme not in ("postgresql", "postgres"):
        named = f"{scheme}://…" if scheme else "eine Angabe ohne Schema"
        raise RelocationError(f"Das Ziel muss eine PostgreSQL-Datenbank sein (postgresql://…), nicht {named}.")
    try:
        target = connect_database(url)
        target.connect()
    except (pw.PeeweeException, ValueError) as exc:
        raise RelocationError(f"Die Zieldatenbank ist nicht erreichbar: {_first_line(exc)}") from None
    return target


def _refuse_unless_empty(target: pw.PostgresqlDatabase) -> None:
    found = [f"{schema}.{name}" if schema != "public" else name for schema, name in target.execute_sql(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2").fetchall()]
    if found:
        shown = ", ".join(found[:5]) + (" …" if len(found) > 5 else "")
        raise RelocationError(f"Die Zieldatenbank ist nicht leer ({len(found)} Tabellen, z. B. {shown}). "
                              "`migrate-to` füllt nur eine leere PostgreSQL-Datenbank; an ihr wurde nichts geändert.")


def _refuse_unless_current(source: pw.SqliteDatabase) -> None:
    if "schema_migration" not in source.get_tables():
        raise RelocationError("Die Quelldatenbank ist nicht angelegt (keine Tabelle schema_migration).")
    applied = {version for (version,) in source.execute_sql("SELECT version FROM schema_migration").fetchall()}
    known = {version for version, _step in MIGRATIONS}
    if applied - known:
        raise RelocationError("Die Quelldatenbank stammt von einer neueren Version (Migrationen "
                              f"{sorted(applied - known)}): `migrate-to` mit der Version ausführen, die sie angelegt "
                              "hat.")
    if applied != known:
        raise RelocationError("Die Quelldatenbank ist nicht auf dem Stand dieser Version (Migrationen "
                              f"{sorted(known - applied)} fehlen): zuerst `perspektive migrate` ausführen.")


def _refuse_unless_same_schema(source: pw.SqliteDatabase, target: pw.PostgresqlDatabase, tables: list[str]) -> None:
    theirs = {name for name in source.get_tables() if not name.startswith("sqlite_")}
    if theirs != set(tables):
        raise RelocationError("Die Tabellen der Quelle passen nicht zu den Migrationen: nur in der Quelle "
                              f"{sorted(theirs - set(tables))}, nur im Ziel {sorted(set(tables) - theirs)}.")
    for table in tables:
        have = {column.name for column in source.get_columns(table)}
        want = {column.name for column in columns_of(target, table)}
        if have != want:
            raise RelocationError(f"Die Spalten der Tabelle {table} passen nicht zu den Migrationen: nur in der "
                                  f"Quelle {sorted(have - want)}, nur im Ziel {sorted(want - have)}.")


def copying_order(target: pw.PostgresqlDatabase) -> list[str]:
    """Every table of the target, each after the tables its foreign keys point to (ties by name)."""
    sorter = graphlib.TopologicalSorter()
    for table in target.get_tables():
        sorter.add(table, *{key.dest_table for key in target.get_foreign_keys(table) if key.dest_table != table})
    sorter.prepare()
    order = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        order += ready
        sorter.done(*ready)
    return order


def _for_target(value, column: Column):
    """A value as SQLite returned it, in the type PostgreSQL's column takes (dates and times go as ISO text)."""
    if value is None:
        return None
    if column.kind == "bool":
        return bool(value)
    if column.kind == "bytes" and isinstance(value, str):
        return value.encode()
    if column.kind == "text" and not isinstance(value, str):
        return str(value)
    return value


def _insert_statement(target: pw.PostgresqlDatabase, table: str, columns: list[Column], rows: int) -> str:
    """``INSERT INTO "t" ("a", "b") VALUES (%s, %s), (%s, %s), …`` for ``rows`` rows: peewee writes (and quotes)
    it for one row, and its placeholder group is repeated; building the whole batch through peewee's query
    objects took longer than the database's work."""
    into = pw.Table(table)
    one = into.insert([(None,) * len(columns)], columns=[pw.Column(into, column.name) for column in columns])
    head, group = target.get_sql_context().sql(one).query()[0].split(" VALUES ", 1)
    return head + " VALUES " + ", ".join([group] * rows)


def _copy_table(source, target, table: str, update: Callable[[int], None]) -> None:
    columns = columns_of(target, table)
    cursor = read_cursor(source, select_all(table, columns, tuple(source.get_primary_keys(table))))
    statements = {}
    while batch := cursor.fetchmany(BATCH):
        if len(batch) not in statements:
            statements[len(batch)] = _insert_statement(target, table, columns, len(batch))
        values = [_for_target(value, column) for row in batch for value, column in zip(row, columns)]
        target.execute_sql(statements[len(batch)], values)
        update(len(batch))


def _reset_sequences(target: pw.PostgresqlDatabase, tables: list[str]) -> None:
    """Each serial id's sequence continues after the highest copied id (or starts at 1 on an empty table)."""
    for table in tables:
        keys = target.get_primary_keys(table)
        if len(keys) != 1:
            continue
        quoted = target.get_sql_context().sql(pw.Entity(table)).query()[0]  # as pg_get_serial_sequence reads it
        (sequence,) = target.execute(pw.Select(columns=[pw.fn.pg_get_serial_sequence(quoted, keys[0])])).fetchone()
        if sequence:
            rows = pw.Table(table)
            highest = pw.fn.MAX(pw.Column(rows, keys[0]))
            target.execute(rows.select(pw.fn.setval(sequence, pw.fn.COALESCE(highest, 1), highest.is_null(False))))


def _count(database, tables: list[str]) -> int:
    return sum(database.execute(pw.Table(table).select(pw.fn.COUNT(pw.SQL("*")))).fetchone()[0] for table in tables)


def describe(mismatches: list[Mismatch]) -> str:
    return "; ".join(f"{m.table}: Quelle {m.source.rows} Zeilen, Ziel {m.target.rows} Zeilen"
                     + (", Prüfsummen verschieden" if m.source.checksum != m.target.checksum else "")
                     for m in mismatches)


def relocate(source_url: str, target_url: str, show: Show = _quiet) -> Relocation:
    """Copy the SQLite database at ``source_url`` into the empty PostgreSQL database at ``target_url``, verified."""
    sqlite_source(source_url)
    target = open_target(target_url)
    source = connect_database(source_url)
    previous = db.obj
    try:
        _refuse_unless_empty(target)
        _refuse_unless_current(source)
        db.initialize(target)  # the migrations work on the shared proxy: pointed at the target while they run
        with source.atomic(), target.atomic():
            migrate()
            tables = copying_order(target)
            _refuse_unless_same_schema(source, target, tables)
            for table in reversed(tables):  # what the migrations wrote (their own rows, the key check)
                target.execute(pw.Table(table).delete())
            total = _count(source, tables)
            with show("Kopieren", total) as update:
                for table in tables:
                    try:
                        _copy_table(source, target, table, update)
                    except pw.PeeweeException as exc:
                        raise RelocationError(f"Die Tabelle {table} lässt sich nicht nach PostgreSQL kopieren "
                                              f"({_first_line(exc)}); nichts wurde übernommen, die Zieldatenbank "
                                              "ist wieder leer.") from None
            _reset_sequences(target, tables)
            with show("Prüfen", total) as update:
                tallies, mismatches = verify(source, target, tables, update)
            if mismatches:
                raise RelocationError(f"Die Kopie weicht von der Quelle ab ({describe(mismatches)}); nichts wurde "
                                      "übernommen, die Zieldatenbank ist wieder leer.")
        return Relocation(tallies)
    except pw.PeeweeException as exc:  # rolled back: the first line only, later ones may quote a row
        raise RelocationError(f"Der Umzug ist fehlgeschlagen, nichts wurde übernommen: {_first_line(exc)}") from None
    finally:
        db.initialize(previous)
        source.close()
        target.close()


def verify_copy(source_url: str, target_url: str, show: Show = _quiet) -> tuple[dict[str, Tally], list[Mismatch]]:
    """Compare a finished copy with its source again: every table of the target, counted and checksummed."""
    sqlite_source(source_url)
    target = open_target(target_url)
    source = connect_database(source_url)
    try:
        with source.atomic(), target.atomic():
            tables = copying_order(target)
            with show("Prüfen", _count(source, tables)) as update:
                return verify(source, target, tables, update)
    finally:
        source.close()
        target.close()
