"""A LibreOffice kept running per worker process, so a PDF takes a fraction of a second instead of the cold
start's second and a half (``make bench``: warm vs cold).

``uno_bridge.py`` runs under the system's Python, which has ``uno`` (Debian: ``apt-get install python3-uno``); it
starts ``soffice --headless --accept=pipe,...`` with a private profile in a private directory (mode 0700) and
converts the files it is told to. Both run in a process group of their own. The worker talks to the bridge over
its stdin/stdout, one conversion at a time (a lock: threads wait for each other, as LibreOffice would anyway).

Started on the first conversion, and again only when it is down: a bridge that died, or one killed because a
conversion overran its time limit, is replaced by the next conversion (that one pays the cold start). When the
system's Python has no ``uno`` or the bridge cannot start, ``pdf`` converts cold, as before. Each conversion's
.docx and PDF live in a directory of their own that is removed at once, whatever happens.
"""
from __future__ import annotations

import atexit
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

BRIDGE = Path(__file__).with_name("uno_bridge.py")
START_SECONDS = 60


class Unavailable(Exception):
    """No warm LibreOffice here (no ``uno`` for the system's Python, or it would not start): convert cold."""


class Overran(Exception):
    """The conversion took longer than its limit; the warm LibreOffice was stopped."""


class Unreadable(Exception):
    """LibreOffice could not read the file as a .docx."""


def system_python() -> str | None:
    return os.environ.get("PERSPEKTIVE_UNO_PYTHON") or shutil.which("python3", path="/usr/bin:/bin")


class WarmOffice:
    def __init__(self):
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._home: Path | None = None
        self._soffice: str | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None and self._process.poll() is None else None

    def convert(self, soffice: str, data: bytes, timeout: float) -> bytes:
        with self._lock:
            if self._process is None or self._process.poll() is not None or self._soffice != soffice:
                self._start(soffice, timeout)
            work = Path(tempfile.mkdtemp(prefix="perspektive-pdf-", dir=self._home))
            try:
                source, target = work / "dokument.docx", work / "dokument.pdf"
                source.write_bytes(data)
                self._send(f"{source}\t{target}\n")
                answer = self._read(timeout)
                if answer == "unreadable":
                    raise Unreadable()
                if answer != "ok" or not target.is_file():
                    raise Unavailable(answer)
                return target.read_bytes()
            finally:
                shutil.rmtree(work, ignore_errors=True)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()
        if self._home is not None:
            shutil.rmtree(self._home, ignore_errors=True)
            self._home = None

    def _start(self, soffice: str, timeout: float) -> None:
        self.stop()
        python = system_python()
        if python is None:
            raise Unavailable("no system python")
        self._home = Path(tempfile.mkdtemp(prefix="perspektive-office-"))  # mode 0700
        pipe = f"perspektive-{os.getpid()}-{self._home.name}"
        env = {**os.environ, "HOME": str(self._home), "TMPDIR": str(self._home)}
        for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):  # the bridge runs under the system's Python
            env.pop(name, None)
        self._process = subprocess.Popen(
            [python, str(BRIDGE), soffice, (self._home / "profile").as_uri(), pipe], cwd=self._home, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            start_new_session=True)
        self._soffice = soffice
        try:
            answer = self._read(max(timeout, START_SECONDS))
        except Overran:
            raise Unavailable("start timed out") from None
        if answer != "ready":
            self.stop()
            raise Unavailable("start failed")

    def _send(self, line: str) -> None:
        try:
            self._process.stdin.write(line)
            self._process.stdin.flush()
        except (BrokenPipeError, OSError):
            self.stop()
            raise Unavailable("bridge gone") from None

    def _read(self, timeout: float) -> str:
        """The bridge's next line within ``timeout`` seconds; past it, bridge and LibreOffice are killed."""
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(self._process.stdout, selectors.EVENT_READ)
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    self.stop()
                    raise Overran()
                if selector.select(left):
                    line = self._process.stdout.readline()
                    if not line:
                        self.stop()
                        raise Unavailable("bridge ended")
                    return line.strip()


office = WarmOffice()
atexit.register(office.stop)
