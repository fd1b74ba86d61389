"""Load in ``make bench`` (also ``python -m bench.load``): ``wrk`` against gunicorn with 2 and 4 sync workers, for
the client overview page (``GET /clients``, a signed-in counsellor with ``LOAD_CLIENTS`` clients) and the
assessment API (``POST /api/v1/assessments``), vs a bare Flask route that reads one row of the same database
under the same gunicorn (``bench/bare_app.py``): requests per second, p50 and p99 (wrk's latency distribution),
and whether p99 stays under 50 ms at 2 workers. The same rows run on SQLite and on PostgreSQL: a scratch database
``perspektive_bench_<random>`` created through the admin URL ``BENCH_POSTGRES_URL`` (default the local server as
``postgres``) and dropped afterwards; both analysed once filled, as a database in service is; without a reachable server one line says so and SQLite runs alone.

Then, on SQLite only (the top-up runs take minutes), the peak memory of each web worker once it has served at
least 1,000 requests (goal under 120 MB): more short wrk runs of both routes until the access log, which names the
worker of every request, counts that many for each, then the worker's peak RSS (VmHWM in /proc). The load
generator shares the machine's cores with the server: read ratios, not absolute figures.
"""
from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
LOAD_CLIENTS = int(os.environ.get("BENCH_LOAD_CLIENTS", "40"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "8"))
CONNECTIONS = 8
PER_WORKER = int(os.environ.get("BENCH_LOAD_PER_WORKER", "1000"))
RSS_GOAL_MB = 120
TOP_UP_SECONDS = 2
# Seconds of top-up runs at most (4,000 requests at 4 workers take about 100 s on a busy 2-core machine); a worker
# still short of PER_WORKER then is named as such.
TOP_UP_LIMIT = int(os.environ.get("BENCH_LOAD_TOP_UP_LIMIT", "150"))
P99_GOAL_MS = 50
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def _scratch_postgres() -> Iterator[str | None]:
    """The URL of a fresh, empty PostgreSQL database, dropped on the way out; ``None`` (after one line saying so)
    when the server does not answer."""
    import psycopg
    from psycopg import sql

    where = urlsplit(POSTGRES_ADMIN_URL)
    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.Error as error:
        print(f"\nload: PostgreSQL at {where.hostname}:{where.port or 5432} unreachable "
              f"({type(error).__name__}): SQLite only")
        admin = None
    if admin is None:
        yield None
        return
    name = f"perspektive_bench_{secrets.token_hex(4)}"
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield urlunsplit(where._replace(path=f"/{name}"))
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _prepare(data_dir: Path, database_url: str) -> tuple[str, str, dict]:
    """The database with a counsellor and their clients; a signed session cookie and an API token for them."""
    os.environ.update({"PERSPEKTIVE_DATA_DIR": str(data_dir), "PERSPEKTIVE_SECURE_COOKIES": "false",
                       "PERSPEKTIVE_HUEY_IMMEDIATE": "true", "PERSPEKTIVE_DATABASE_URL": database_url})
    from perspektive import create_app
    from perspektive.accounts.users import create_user, issue_api_token
    from perspektive.clients import create_client
    from perspektive.db import db
    from perspektive.law import parse_facts
    from perspektive.migrations import migrate

    app = create_app()
    demo = [json.loads(p.read_text()) for p in sorted((ROOT / "perspektive" / "demo_data").glob("*.json"))]
    with app.app_context(), db.connection_context():
        migrate()
        user = create_user(f"load{secrets.token_hex(3)}", role="counsellor", password="bench-password-123",
                           display_name="Last")
        for number in range(LOAD_CLIENTS):
            create_client(parse_facts(demo[number % len(demo)]), user)
        token = issue_api_token(user)
        # The planner's statistics, as a running database has them (PostgreSQL's autovacuum gathers them within a
        # minute of the writes): without, it guesses every table empty and joins row by row.
        db.execute_sql("ANALYZE")
    http = app.test_client()
    now = int(time.time())
    with http.session_transaction() as session:
        session.update(_user_id=str(user.id), _fresh=True, token=user.session_token, login_at=now, seen_at=now)
    cookie = http.get_cookie("session")
    return f"session={cookie.value}", token, demo[0]


class Gunicorn:
    def __init__(self, app: str, workers: int, env: dict, access_log: Path | None = None):
        """``access_log``: one line per request with the worker's pid and the status, nothing else."""
        self.port = _free_port()
        self.access_log = access_log
        log = ["--access-logfile", str(access_log or "/dev/null"), "--access-logformat", "%(p)s %(s)s"]
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
             *log, app], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def wait(self, path: str, headers: dict) -> None:
        """Until ``path`` answers 200 itself (a redirect to the sign-in page would make the figures meaningless)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                connection.request("GET", path, headers=headers)
                status = connection.getresponse().status
            except OSError:
                time.sleep(0.3)
                continue
            finally:
                connection.close()
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
            return
        raise RuntimeError(f"gunicorn did not answer {path}")

    def workers(self) -> list[int]:
        return [int(pid) for pid in
                Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()]

    def served(self) -> dict[int, int]:
        """Requests answered so far by each running worker, from the access log (``<pid> status`` per line)."""
        counts = dict.fromkeys(self.workers(), 0)
        for line in self.access_log.read_text().splitlines():
            pid = int(line.split()[0].strip("<>"))
            if pid in counts:
                counts[pid] += 1
        return counts

    def peak_rss_mb(self, pid: int) -> float:
        status = Path(f"/proc/{pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _percentile_ms(out: str, percent: int) -> float:
    """One line of wrk's ``Latency Distribution`` table (``--latency``), e.g. ``     99%   12.34ms``, in ms."""
    value, unit = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m|h)\s*$", out, re.MULTILINE).groups()
    return float(value) * _UNIT_MS[unit]


def _wrk(url: str, script: Path | None = None, seconds: int = SECONDS) -> tuple[float, float, float, int, int]:
    """Requests per second, the 50th and 99th percentile latency in ms, the number of non-2xx/3xx answers, and of
    requests."""
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return rps, _percentile_ms(out, 50), _percentile_ms(out, 99), int(bad.group(1)) if bad else 0, total


def _lua(path: Path, method: str, headers: dict, body: str | None = None) -> Path:
    lines = [f'wrk.method = "{method}"']
    lines += [f'wrk.headers["{name}"] = {json.dumps(value)}' for name, value in headers.items()]
    if body is not None:
        lines.append(f"wrk.body = {json.dumps(body)}")
    path.write_text("\n".join(lines) + "\n")
    return path


def _peak_memory(server: Gunicorn, runs: list[tuple[str, Path]]) -> None:
    """Short runs of both routes until every worker has served ``PER_WORKER`` requests, then each one's peak RSS."""
    start = time.monotonic()
    deadline = start + TOP_UP_LIMIT
    bad = 0
    while min((served := server.served()).values()) < PER_WORKER and time.monotonic() < deadline:
        for path, script in runs:
            bad += _wrk(server.url + path, script, TOP_UP_SECONDS)[3]
    print(f"  {len(served)} workers peak RSS (VmHWM) per worker after {PER_WORKER:,} requests each, "
          f"goal < {RSS_GOAL_MB} MB ({time.monotonic() - start:.0f} s of top-up runs)"
          + (f"   ({bad} answers not 2xx/3xx in the top-up runs!)" if bad else ""))
    for pid, count in sorted(served.items()):
        peak = server.peak_rss_mb(pid)
        verdict = ("SHORT OF THE REQUEST COUNT" if count < PER_WORKER
                   else "ok" if peak < RSS_GOAL_MB else "OVER THE GOAL")
        print(f"    worker {pid}: {peak:6.1f} MB after {count:,} requests   {verdict}")


def _engine_rows(engine: str, data_dir: Path, database_url: str, bare_database: str, memory: bool) -> None:
    """The rows of one database engine: both routes and the bare route at 2 and 4 workers; with ``memory`` also
    each worker's peak RSS after ``PER_WORKER`` requests."""
    data_dir.mkdir()
    cookie, token, facts = _prepare(data_dir, database_url)
    env = {**os.environ, "BENCH_BARE_DATABASE": bare_database}
    page = _lua(data_dir / "page.lua", "GET", {"Cookie": cookie})
    api = _lua(data_dir / "api.lua", "POST", {"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"},
               json.dumps({"facts": facts, "on": "2026-11-21"}))
    for workers in (2, 4):
        bare = Gunicorn("bench.bare_app:app", workers, env)
        ours = Gunicorn("perspektive.worker:app", workers, env, data_dir / f"access-{workers}.log")
        try:
            bare.wait("/one", {})
            ours.wait("/clients", {"Cookie": cookie})
            base_rps, base_p50, base_p99, _bad, _total = _wrk(bare.url + "/one")
            for name, path, script in (("GET /clients (overview)", "/clients", page),
                                       ("POST /api/v1/assessments", "/api/v1/assessments", api)):
                rps, p50, p99, bad, _total = _wrk(ours.url + path, script)
                verdict = ("" if workers != 2
                           else f"   p99 < {P99_GOAL_MS} ms: " + ("met" if p99 < P99_GOAL_MS else "MISSED"))
                print(f"  {engine:<10} {workers} workers {name:<25} {rps:6.0f}/s p50 {p50:6.1f} ms p99 {p99:6.1f} ms"
                      f"   bare {base_rps:6.0f}/s p50 {base_p50:6.1f} ms p99 {base_p99:6.1f} ms"
                      f"   ratio {rps / base_rps:5.2f}{verdict}"
                      + (f"   {bad} answers not 2xx/3xx!" if bad else ""))
            if memory:
                _peak_memory(ours, [("/clients", page), ("/api/v1/assessments", api)])
        finally:
            bare.stop()
            ours.stop()


def load_rows() -> None:
    if shutil.which("wrk") is None:
        print("load: wrk is not installed (apt-get install wrk): no figures")
        return
    data_dir = Path(tempfile.mkdtemp(prefix="perspektive-load-"))
    saved = dict(os.environ)
    try:
        print(f"\nload: the client overview page and the assessment API under wrk (-c{CONNECTIONS}, {SECONDS} s a "
              f"run), gunicorn with 2 and 4 sync workers, SQLite and PostgreSQL: requests/s, p50 and p99, vs a bare "
              f"Flask route with one database read of the same engine (ratio = ours / bare, requests/s); goal p99 "
              f"< {P99_GOAL_MS} ms at 2 workers; peak RSS per worker on SQLite only")
        sqlite_dir = data_dir / "sqlite"
        _engine_rows("SQLite", sqlite_dir, f"sqlite:///{sqlite_dir / 'load.db'}", str(sqlite_dir / "load.db"),
                     memory=True)
        with _scratch_postgres() as postgres_url:
            if postgres_url is not None:
                _engine_rows("PostgreSQL", data_dir / "postgresql", postgres_url, postgres_url, memory=False)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    load_rows()
