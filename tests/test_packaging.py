"""The package as an office installs it: a wheel built from this checkout, installed with its dependencies into
a fresh virtual environment outside the checkout, configured only by PERSPEKTIVE_* variables, then
``perspektive migrate && perspektive demo``, gunicorn with ``deploy/gunicorn.conf.py``, and the task consumer by
module path. On the PostgreSQL run the installation gets a database of its own (and the run's Redis), so the
suite's database is not touched. pip's cache (and this machine's wheel house) keep it under a minute."""
from __future__ import annotations

import ast
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.conftest import ROOT

PG_URL = os.environ.get("PERSPEKTIVE_DATABASE_URL", "")
REDIS_URL = os.environ.get("PERSPEKTIVE_REDIS_URL", "")
SECRET = "kalender-token-7f3a9c"
LOCK = ROOT / "requirements.lock"


def run(*command, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=240, **kwargs)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--wheel", "--outdir", out, ROOT, cwd=ROOT)
    [built] = out.glob("perspektive-*.whl")
    return built


@pytest.fixture
def own_database():
    """On the PostgreSQL run: a database for the installation alone, dropped afterwards; else its SQLite file."""
    if not PG_URL:
        yield None
        return
    import psycopg

    base, name = PG_URL.rsplit("/", 1)
    scratch = f"{name}_wheel"

    def admin(sql: str) -> None:
        with psycopg.connect(PG_URL, autocommit=True) as connection:
            connection.execute(sql)

    admin(f'DROP DATABASE IF EXISTS "{scratch}"')
    admin(f'CREATE DATABASE "{scratch}"')
    yield f"{base}/{scratch}"
    admin(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    from huey import RedisHuey

    RedisHuey("perspektive", url=REDIS_URL).storage.flush_all()  # what `demo` queued for the installation


def test_the_wheel_installs_and_serves_outside_the_checkout(wheel, own_database, tmp_path):
    venv = tmp_path / "venv"
    # The venv without its own pip: this pip installs into it (--python), with every dependency, from its cache;
    # no byte-compiling. That saves half a minute and installs the same files.
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    extras = "[postgres,redis]" if PG_URL else ""
    run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--quiet", "--no-compile",
        "-c", LOCK, f"{wheel}{extras}", cwd=tmp_path)
    located = run(venv / "bin" / "python", "-c", "import perspektive; print(perspektive.__file__)", cwd=tmp_path)
    assert located.stdout.startswith(str(venv)), located.stdout  # the installed copy, not this checkout

    port = free_port()
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8",
           "PERSPEKTIVE_DATA_DIR": str(tmp_path / "data"), "PERSPEKTIVE_SECURE_COOKIES": "false",
           "PERSPEKTIVE_BIND": f"127.0.0.1:{port}", "PERSPEKTIVE_WORKERS": "2"}
    if own_database:
        env.update(PERSPEKTIVE_DATABASE_URL=own_database, PERSPEKTIVE_REDIS_URL=REDIS_URL)
    migrated = run(venv / "bin" / "perspektive", "migrate", cwd=tmp_path, env=env)
    assert "Migrationen angewendet" in migrated.stdout
    run(venv / "bin" / "perspektive", "demo", cwd=tmp_path, env=env)
    assert sorted(p.name for p in (tmp_path / "data" / "workflows").glob("*.toml")) == sorted(
        p.name for p in (ROOT / "perspektive" / "defaults" / "workflows").glob("*.toml"))

    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen([str(venv / "bin" / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
                                  cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body = fetch(f"{base}/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, log.read_text()
                time.sleep(0.2)
        assert (status, json.loads(body)) == (200, {"database": "ok", "schema": "ok", "queue": "ok", "gpg": "ok"}), log.read_text()
        status, body = fetch(f"{base}/login")
        assert status == 200 and 'name="password"' in body and "Anmelden" in body
        status, _ = fetch(f"{base}/calendar.ics?token={SECRET}")
        assert status == 404  # no such token; what matters is the log line below
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    logged = log.read_text()
    assert '"GET /calendar.ics HTTP/1.1" 404' in logged and '"GET /healthz HTTP/1.1" 200' in logged
    assert SECRET not in logged

    # Stopped once it has listed its tasks (or after a minute): a fixed wait cut it off in the middle of its
    # imports on a busy machine.
    consumer_log = tmp_path / "consumer.log"
    with consumer_log.open("w") as out:
        consumer = subprocess.Popen([str(venv / "bin" / "huey_consumer"), "perspektive.worker.huey", "-w", "1",
                                     "-k", "thread"], cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while ("deliver_referral" not in consumer_log.read_text() and consumer.poll() is None
           and time.monotonic() < deadline):
        time.sleep(0.2)
    consumer.send_signal(signal.SIGINT)
    consumer.wait(timeout=30)
    output = consumer_log.read_text()
    assert "perspektive.referrals.tasks.deliver_referral" in output and "Traceback" not in output, output


# Runs under the system's python3 with Debian's python3-uno (the warm LibreOffice), never in the package's venv.
SYSTEM_PYTHON = {"uno_bridge.py"}


def _imported_distributions(folder: Path) -> dict[str, set[str]]:
    """Third-party distributions whose modules the code under ``folder`` imports -> the files that import them."""
    owners = metadata.packages_distributions()
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        if path.name in SYSTEM_PYTHON:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "perspektive":
                    continue
                for distribution in owners.get(top, [f"<unknown module {top}>"]):
                    found.setdefault(_normal(distribution), set()).add(str(path.relative_to(ROOT)))
    return found


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_package_is_declared():
    """A package the code imports but does not declare works here (it came with another) and breaks an install;
    the extras' packages may be imported only where they are optional (the demo mail sink)."""
    declared: dict[str, set[str]] = {}
    for line in metadata.requires("perspektive"):
        requirement = Requirement(line)
        extra = re.search(r'extra == "([^"]+)"', str(requirement.marker or ""))
        declared.setdefault(_normal(requirement.name), set()).add(extra.group(1) if extra else "")
    imported = _imported_distributions(ROOT / "perspektive")
    undeclared = {name: files for name, files in imported.items() if name not in declared}
    assert undeclared == {}
    optional = {name: files for name, files in imported.items() if "" not in declared[name]}
    assert optional == {"aiosmtpd": {"perspektive/devmail.py"}}
    assert "dev" in declared["aiosmtpd"]


def _locked() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[_normal(name)] = version.strip()
    return pins


def _needed(name: str, extras: frozenset[str], visited: set[tuple[str, frozenset[str]]]) -> None:
    """``name`` with ``extras`` and, by the installed metadata, all it needs, into ``visited``."""
    if (_normal(name), extras) in visited:
        return
    visited.add((_normal(name), extras))
    for line in metadata.requires(name) or []:
        requirement = Requirement(line)
        if not requirement.marker or any(requirement.marker.evaluate({"extra": e}) for e in {""} | extras):
            _needed(requirement.name, frozenset(requirement.extras), visited)


def test_the_lock_pins_every_dependency_at_the_installed_release():
    """`make install` installs with ``-c requirements.lock``: a dependency added to pyproject.toml without `make
    lock` would come in at whatever release is newest that day, and a lock that names a release other than the one
    installed here was never tested."""
    visited: set[tuple[str, frozenset[str]]] = set()
    _needed("perspektive", frozenset({"test"}), visited)
    needed = {name for name, _ in visited} - {"perspektive"}
    pins = _locked()
    assert sorted(needed - pins.keys()) == []
    assert {name: pins[name] for name in needed} == {name: metadata.version(name) for name in needed}
    assert not {"pip", "setuptools", "wheel", "perspektive", "psycopg2", "psycopg2-binary"} & pins.keys()
