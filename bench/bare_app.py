"""The baseline for ``bench/load.py``: a bare Flask route that reads one row of the same database, with the
connection kept per worker thread (as Perspektive keeps it). ``BENCH_BARE_DATABASE`` names the SQLite file."""
import os

import peewee as pw
from flask import Flask

database = pw.SqliteDatabase(os.environ["BENCH_BARE_DATABASE"], pragmas={"journal_mode": "wal"})
app = Flask("bare")


@app.get("/one")
def one():
    database.connect(reuse_if_open=True)
    row = database.execute_sql("SELECT id, reference FROM client ORDER BY id LIMIT 1").fetchone()
    return {"id": row[0], "reference": row[1]}
