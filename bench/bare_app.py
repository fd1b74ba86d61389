"""The baseline for ``bench/load.py``: a bare Flask route that reads one row of the same database, with the
connection kept per worker thread (as Perspektive keeps it). ``BENCH_BARE_DATABASE`` names the SQLite file, or is
a ``postgresql://`` URL (psycopg 3, as Perspektive connects)."""
import os

import peewee as pw
from flask import Flask
from playhouse.db_url import connect as connect_url

_target = os.environ["BENCH_BARE_DATABASE"]
if _target.startswith(("postgresql://", "postgres://")):
    database = connect_url(_target.replace("postgres://", "postgresql://", 1), prefer_psycopg3=True)
else:
    database = pw.SqliteDatabase(_target, pragmas={"journal_mode": "wal"})
app = Flask("bare")


@app.get("/one")
def one():
    database.connect(reuse_if_open=True)
    row = database.execute_sql("SELECT id, reference FROM client ORDER BY id LIMIT 1").fetchone()
    return {"id": row[0], "reference": row[1]}
