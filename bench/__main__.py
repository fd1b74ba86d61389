"""`make bench`: our figures next to baselines measured in the same run, as ratios (the machines are noisy).

- letter: ``render_letter`` (assess + checklist + sandboxed, autoescaping render) vs raw docxtpl rendering of the
  same template with the same context in a plain Jinja environment;
- assessment: ``Engine.assess`` per client and workflow vs a no-op loop that touches the same facts;
- API: ``POST /api/v1/assessments`` through the WSGI stack vs a bare Flask route echoing the same JSON.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PERSPEKTIVE_DATA_DIR", tempfile.mkdtemp(prefix="perspektive-bench-"))
os.environ.setdefault("PERSPEKTIVE_HUEY_IMMEDIATE", "true")

import jinja2  # noqa: E402
from docxtpl import DocxTemplate  # noqa: E402
from flask import Flask, request  # noqa: E402

from perspektive import create_app  # noqa: E402
from perspektive.engine import current_engine  # noqa: E402
from perspektive.facts import parse_facts  # noqa: E402
from perspektive.letters import letter_context, render_letter  # noqa: E402
from perspektive.models import db, migrate  # noqa: E402
from perspektive.periods import de  # noqa: E402
from perspektive.users import create_user, issue_api_token  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ON = dt.date(2026, 11, 21)


def timed(fn, repeat: int, inner: int = 1) -> list[float]:
    """Seconds per call, one sample per ``inner`` calls, after one warm-up call."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - start) / inner)
    return samples


def row(name: str, ours: list[float], base: list[float], base_name: str, unit: float, unit_name: str) -> None:
    o, b = statistics.median(ours), statistics.median(base)
    spread = f"{min(ours) * unit:.1f}–{max(ours) * unit:.1f}"
    print(f"{name:<34} {o * unit:9.1f} {unit_name} ({spread})   {base_name:<30} {b * unit:9.1f} {unit_name}"
          f"   ratio {o / b:5.2f}")


def main() -> None:
    data_dir = Path(os.environ["PERSPEKTIVE_DATA_DIR"])
    app = create_app({"DATABASE_URL": f"sqlite:///{data_dir / 'bench.db'}"})
    facts = parse_facts(json.loads((ROOT / "perspektive" / "demo_data" / "amina.json").read_text()))
    with app.app_context():
        with db.connection_context():
            migrate()
            user = create_user(f"bench{time.time_ns()}", role="counsellor", password="bench-password-123",
                               display_name="Bench")
            token = issue_api_token(user)
        engine = current_engine()
        workflow = engine.workflow("section_25b")
        print(f"Perspektive bench, {ON}, medians (min–max); ratio = ours / baseline\n")

        # Letter: ours vs raw docxtpl on the same template and context.
        [assessment] = engine.assess(facts, ON, workflow.id)
        context = letter_context(workflow, facts, ON, assessment, engine.checklist(workflow, facts, assessment),
                                 user, app.config, engine.letter_extras(workflow, facts, assessment, "antrag"))
        plain = jinja2.Environment()
        plain.filters["datum"] = lambda d: de(d) if isinstance(d, dt.date) else str(d or "")
        template_path = engine.letters_dir / workflow.id / "antrag.docx"

        def raw_docxtpl():
            template = DocxTemplate(str(template_path))
            template.render(context, jinja_env=plain)
            template.save(io.BytesIO())

        ours = timed(lambda: render_letter(workflow.id, facts, ON, "antrag", user), repeat=25)
        base = timed(raw_docxtpl, repeat=25)
        row("letter (antrag, § 25b)", ours, base, "raw docxtpl, same template", 1e3, "ms")

        # Assessment per client and workflow vs a no-op loop over the same facts: all paths (the Perspektiven),
        # then each workflow on its own, so that one slow workflow cannot hide in the average.
        workflows = [w.id for w in engine.workflows.values() if w.in_force(ON)]
        base = timed(lambda: [facts.status_on(ON) for _ in workflows], repeat=30, inner=200)
        base = [s / len(workflows) for s in base]
        ours = timed(lambda: engine.assess(facts, ON), repeat=30, inner=200)
        ours = [s / len(workflows) for s in ours]
        row(f"Perspektiven, per workflow ({len(workflows)})", ours, base, "no-op loop over the facts", 1e6, "µs")
        for workflow_id in workflows:
            ours = timed(lambda: engine.assess(facts, ON, workflow_id), repeat=15, inner=100)
            row(f"  {workflow_id}", ours, base, "no-op loop over the facts", 1e6, "µs")

        # The JSON API vs a bare Flask route.
        body = {"facts": facts.to_json_dict(), "on": ON.isoformat()}
        headers = {"Authorization": f"Bearer {token}"}
        http = app.test_client()

        def ours_api():
            response = http.post("/api/v1/assessments", json=body, headers=headers, base_url="https://localhost")
            assert response.status_code == 200, response.status_code

        bare = Flask("bare")
        bare.add_url_rule("/echo", "echo", lambda: {"echo": request.get_json()}, methods=["POST"])
        bare_http = bare.test_client()
        ours = timed(ours_api, repeat=20, inner=20)
        base = timed(lambda: bare_http.post("/echo", json=body), repeat=20, inner=20)
        row("POST /api/v1/assessments", ours, base, "bare Flask route, same JSON", 1e3, "ms")


if __name__ == "__main__":
    main()
