"""The house rules (docs/architecture.md), enforced: imports run one way and through each capability's front
door (import-linter's contracts in pyproject.toml), no module imports itself round a loop, and no module grows past
what a reader takes in at once."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from tests.conftest import ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
MAX_LINES = 400


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True, text=True, timeout=120)


def test_every_contract_holds():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize("path,source,contract", [
    ("perspektive/law/_breach.py", "from perspektive.clients import load_facts\n",
     "The law imports nothing else of Perspektive"),
    ("perspektive/law/_breach.py", "import flask_babel\n", "The law imports nothing else of Perspektive"),
    ("perspektive/clients/_breach.py", "from perspektive.followups import schedule\n",
     "Capabilities depend downwards"),
    ("perspektive/web/_breach.py", "from perspektive.clients.records import load_facts\n",
     "Across capabilities: only what the package exports"),
    ("perspektive/clients/_breach.py", "from . import views\n", "No import cycles"),
    ("perspektive/defaults/plugins/_breach.py", "from perspektive.defaults.plugins import section_25b\n",
     "Each provision's plugin stands alone"),
    ("perspektive/defaults/plugins/_breach.py", "from perspektive.law.criteria import Outcome\n",
     "Plugins use what the law exports"),
])
def test_a_forbidden_import_breaks_its_contract_by_name(tmp_path, path, source, contract):
    """A copy of the code with one forbidden import added: the linter fails and names the contract."""
    shutil.copytree(ROOT / "perspektive", tmp_path / "perspektive",
                    ignore=shutil.ignore_patterns("__pycache__", "*.mo", "*.docx"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    breach = tmp_path / path
    if path.startswith("perspektive/clients/"):  # a cycle needs the other half: views imports the breach
        (tmp_path / "perspektive/clients/views.py").write_text(
            (tmp_path / "perspektive/clients/views.py").read_text() + "\nfrom . import _breach  # noqa\n")
    breach.write_text(source)
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in " ".join(broken.split()), result.stdout


def test_no_module_imports_itself_round_a_loop():
    """Between any two files, not only between sibling packages: the module graph has no cycle (Tarjan's strongly
    connected components over every import grimp finds, those inside functions included)."""
    sys.path.insert(0, str(ROOT))
    try:
        graph = grimp.build_graph("perspektive", exclude_type_checking_imports=True)
    finally:
        sys.path.remove(str(ROOT))
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    assert _cycles(edges) == []


def _cycles(edges: dict[str, list[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in edges.get(module, ()):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while not component or component[-1] != module:
                component.append(stack.pop())
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c"]]


def test_no_module_is_longer_than_a_reader_takes_in():
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "perspektive").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_every_capability_says_what_it_owns_and_exports_only_what_it_has():
    """Each package's docstring says what it owns (docs/architecture.md repeats it), and every name in its
    ``__all__`` exists: a front door that promises a name it lacks breaks only at the caller."""
    import importlib

    for package in sorted(p.parent.name for p in (ROOT / "perspektive").glob("*/__init__.py")):
        module = importlib.import_module(f"perspektive.{package}")
        assert (module.__doc__ or "").strip(), package
        assert [name for name in getattr(module, "__all__", ()) if not hasattr(module, name)] == [], package
        assert f"`{package}/`" in (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8"), package
