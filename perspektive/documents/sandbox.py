"""The Jinja sandbox letters are filled in, and ``fill``: one .docx template filled with plain, checked values, in
this process (shared/security-checklist.md rows 1-4).

- Jinja runs sandboxed with ``StrictUndefined``: a template that reaches for Python internals
  (``cycler.__init__.__globals__``, ``''.__class__``, ``|attr('format')``) raises instead of executing, and an
  unsafe attribute can not even be printed silently as an empty string.
- Autoescape is on: docxtpl writes values straight into the document XML, and without escaping "Müller & Söhne"
  loses its "&" and ``</w:t>…`` injects markup. With it, every value comes out exactly as typed.
- ``*`` and ``**`` are bounded, since they allocate without any loop; every template counts the characters it
  writes against the render's output limit and stops past it (probe finding 4).

None of this bounds time or memory: a sandboxed template can loop for hours or allocate in one filter call. So
``fill`` is only ever called in a render process with a time and memory limit (``isolation``).
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from contextvars import ContextVar

from docx.opc.exceptions import OpcError
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from perspektive.law import de, german_number

# Bounds for the two operators that let a sandboxed template allocate without a loop ('a' * 10**9, 2 ** 10**9).
_MAX_REPEAT = 10_000
_MAX_REPEAT_LENGTH = 1_000_000
_MAX_EXPONENT = 100
# What an expression in a template (plain Python errors, not TemplateError) or a damaged .docx can raise. Not
# ``Exception``: a worker's time limit (huey's TaskTimeout, raised mid-render) must still end the job as a timeout.
_RENDER_FAILURES = (ArithmeticError, AttributeError, LookupError, TypeError, ValueError, RuntimeError,
                    MemoryError, OSError, zipfile.BadZipFile, etree.LxmlError, OpcError)
# Characters the render in progress may still write; set by ``fill``.
_BUDGET: ContextVar[list[int]] = ContextVar("letter_output_budget")


class LetterError(Exception):
    """A letter could not be produced. The message is German and safe to show: no trace, no personal data."""

    detail = ""  # what Jinja said, for an administrator checking a template with sample data only


class _TooLarge(Exception):
    pass


def too_large(max_output: int) -> str:
    size = german_number(max_output / 1_000_000)
    return (f"Der ausgefüllte Brief wäre größer als {size} MB und wurde nicht erstellt (Schleife in der "
            "Briefvorlage?). Bitte die Administration informieren.")


class _CountedTemplate(Template):
    """A template that counts what it writes, chunk by chunk, against the output budget of the render."""

    def render(self, *args, **kwargs) -> str:
        context = self.new_context(dict(*args, **kwargs))
        try:
            return self.environment.concat(_counted(self.root_render_func(context)))
        except Exception:
            return self.environment.handle_exception()


def _counted(chunks):
    budget = _BUDGET.get(None)
    if budget is None:  # not inside ``fill``
        yield from chunks
        return
    for chunk in chunks:
        budget[0] -= len(chunk)
        if budget[0] < 0:
            raise _TooLarge
        yield chunk


class _LetterSandbox(SandboxedEnvironment):
    """The Jinja sandbox, plus a bound on ``*`` and ``**``, which allocate without any loop the sandbox could see."""

    intercepted_binops = frozenset({"*", "**"})
    template_class = _CountedTemplate

    def call_binop(self, context, operator, left, right):
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and (
                        count > _MAX_REPEAT or len(seq) * count > _MAX_REPEAT_LENGTH):
                    raise SecurityError("Wiederholung zu groß")
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > _MAX_EXPONENT:
            raise SecurityError("Exponent zu groß")
        return super().call_binop(context, operator, left, right)


def _datum(value) -> str:
    """``{{ some_date|datum }}``: TT.MM.JJJJ; an unknown date shows as a dash."""
    if value is None or value == "":
        return de(None)
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise TemplateError("Filter datum erwartet ein Datum")
    return de(value)


_ENV: SandboxedEnvironment | None = None


def jinja_environment() -> SandboxedEnvironment:
    """The one environment every letter is rendered with (built once; rendering does not change it)."""
    global _ENV
    if _ENV is None:
        env = _LetterSandbox(autoescape=True, undefined=StrictUndefined)
        env.filters["datum"] = _datum
        _ENV = env
    return _ENV


def fill(path: str, values: dict, max_output: int) -> bytes:
    """The .docx template at ``path`` filled with ``values`` (already plain and XML-safe); every failure becomes a
    ``LetterError``. Unbounded in time and memory: call it in a render process (``isolation``)."""
    token = _BUDGET.set([max_output])
    try:
        template = DocxTemplate(path)
        template.render(values, jinja_env=jinja_environment())
        out = io.BytesIO()
        template.save(out)
    except _TooLarge:
        out = None
    except SecurityError:
        raise LetterError("Die Briefvorlage enthält einen unzulässigen Zugriff und wurde nicht ausgeführt. "
                          "Bitte die Administration informieren.") from None
    except TemplateError:
        # No chaining: a message can quote a value, and values are personal data.
        raise LetterError("Die Briefvorlage ist fehlerhaft und konnte nicht ausgefüllt werden. "
                          "Bitte die Administration informieren.") from None
    except _RENDER_FAILURES:
        raise LetterError("Die Briefvorlage konnte nicht verarbeitet werden. "
                          "Bitte die Administration informieren.") from None
    finally:
        _BUDGET.reset(token)
    if out is None or out.getbuffer().nbytes > max_output:
        raise LetterError(too_large(max_output))
    return out.getvalue()
