"""Every letter is filled in a render process with a time, memory and size limit (probe finding 4;
shared/security-checklist.md row 4): downloads, the API, the CLI, referrals in the Huey consumer and the upload
checks all go through ``render``.

Why a process, and not a sandbox that counts: a template branching on the client's name held a web worker 30 s and a
consumer thread 145 s. Counting loop iterations, calls and output characters inside Jinja would stop nested loops,
macro recursion and growing output, but not what allocates or spins in one step the sandbox never sees:
``'x'|center(10**9)``, ``'%999999999d'|format(1)``, ``str.format`` widths, ``|replace`` on its own result, docxtpl's
re-parsing of what the template wrote. Python can not stop a thread from outside, and ``SIGALRM`` works only in the
main thread. A separate process can be limited and killed, whatever the template does:

- time: the caller waits at most ``timeout`` seconds for the answer, then kills the process (``RLIMIT_CPU`` also
  stops a render whose caller died);
- memory: ``RLIMIT_AS`` of ``MEMORY_BYTES``, so a huge allocation fails with ``MemoryError`` in the render process;
- size: ``sandbox`` counts the characters the template writes and stops at ``max_output``, and the finished .docx
  must not be larger either.

Cost (``make bench``: the § 25b Antrag, medians of interleaved runs on a noisy 2-core machine, against the same
fill in the caller's process): a fresh process per letter (start through the forkserver, cold caches, stop) had a
ratio of 1.6-2.0, about 50-65 ms more per letter, and 5.1-5.5 when the new process must first import the caller's
main script again (multiprocessing does that for a main started as a script). So the render processes stay warm
and are reused: then the ratio is 0.94-1.07, within the noise.
Each web or Huey worker process keeps one idle render process (about 100 MB resident, plus about 60 MB for the
forkserver; more render processes only while several of its threads render at once). A job is a template path,
plain values and the limits, sent over a pipe; a process that overran is killed, and the next job gets a new one.
Processes start through multiprocessing's forkserver, so a threaded web or Huey worker is never forked, and starting
does not count against the time limit. Huey's ``-k process`` workers are daemonic and may not start processes: run
the consumer with thread workers (the default, and ``make run``'s). Failures are logged here, by kind only.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import threading

from .sandbox import LetterError, fill

log = logging.getLogger("perspektive.letters")

MEMORY_BYTES = 1024 ** 3
_KEEP = 1  # idle render processes per worker process
_START_SECONDS = 60
_IDLE: list[_Renderer] = []
_LOCK = threading.Lock()
_OWNER = [os.getpid()]  # the process the idle renderers belong to (a forked copy must not use them)


def render(path: str, values: dict, *, timeout: float, max_output: int, explain: bool = False) -> bytes:
    """``sandbox.fill(path, values, max_output)`` in a render process, within ``timeout`` seconds; a failure is a
    ``LetterError``, with ``detail`` (what Jinja said, which may quote values) only when ``explain``."""
    name = path.rsplit("/", 1)[-1]
    renderer = _take()
    answered = False
    try:
        renderer.connection.send((path, values, max_output, timeout, explain))
        if not _wait(renderer.connection, timeout):
            log.warning("letter template %s stopped after %g s", name, timeout)
            raise LetterError(_too_slow(timeout))
        try:
            ok, payload, detail, kind = renderer.connection.recv()
        except EOFError:
            log.warning("letter template %s: the render process ended", name)
            raise LetterError("Das Ausfüllen der Briefvorlage wurde abgebrochen (Speichergrenze überschritten?). "
                              "Bitte die Administration informieren.") from None
        answered = True
    finally:
        if answered:
            _give_back(renderer)
        else:
            renderer.stop()
    if ok:
        return payload
    # Only the kind of failure is logged: a message can quote a value, and values are personal data.
    log.warning("letter template %s failed: %s", name, kind)
    error = LetterError(payload)
    error.detail = detail
    raise error from None


def _too_slow(seconds: float) -> str:
    unit = "Sekunde" if seconds == 1 else "Sekunden"
    return (f"Das Ausfüllen der Briefvorlage dauerte länger als {seconds:g} {unit} und wurde abgebrochen "
            "(Endlosschleife?). Bitte die Administration informieren.")


def _wait(connection, seconds: float) -> bool:
    return connection.poll(seconds)


class _Renderer:
    """One render process and the pipe to it."""

    def __init__(self):
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs,), name="perspektive-render", daemon=True)
        try:
            self.process.start()
        except AssertionError:  # a daemonic process (Huey's "-k process" workers) may not start one
            self.connection.close()
            raise LetterError("Briefe können in diesem Prozess nicht ausgefüllt werden (Huey-Consumer mit "
                              "Thread-Workern starten: -k thread). Bitte die Administration informieren.") from None
        finally:
            theirs.close()
        # Starting does not count against a render's time limit; a process that never comes up is a failure too.
        try:
            ready = self.connection.poll(_START_SECONDS) and self.connection.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.stop()
            raise LetterError("Das Ausfüllen der Briefvorlage konnte nicht gestartet werden. "
                              "Bitte die Administration informieren.")

    def stop(self) -> None:
        self.process.kill()
        self.process.join()
        self.connection.close()


def _take() -> _Renderer:
    with _LOCK:
        if _OWNER[0] != os.getpid():
            _IDLE.clear()
            _OWNER[0] = os.getpid()
        while _IDLE:
            renderer = _IDLE.pop()
            if renderer.process.is_alive():
                return renderer
            renderer.stop()
    return _Renderer()


def _give_back(renderer: _Renderer) -> None:
    with _LOCK:
        if len(_IDLE) < _KEEP and _OWNER[0] == os.getpid():
            _IDLE.append(renderer)
            return
    renderer.stop()


def _serve(connection) -> None:  # pragma: no cover - runs in the render process
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    except (ImportError, ValueError, OSError):
        resource = None
    connection.send("ready")
    while True:
        try:
            path, values, max_output, timeout, explain = connection.recv()
        except EOFError:
            return
        if resource is not None:
            _limit_cpu(resource, timeout)
        try:
            answer = (True, fill(path, values, max_output), "", "")
        except LetterError as exc:
            cause = exc.__context__
            detail = f" Jinja: {type(cause).__name__}: {cause}" if explain and cause is not None else ""
            answer = (False, str(exc), detail, type(cause).__name__ if cause is not None else "output limit")
        connection.send(answer)


def _limit_cpu(resource, timeout: float) -> None:  # pragma: no cover - runs in the render process
    """A backstop should the caller die while this job runs: the CPU seconds used so far, plus the job's own."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = int(used.ru_utime + used.ru_stime + timeout) + 5
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
    except (ValueError, OSError):
        pass
