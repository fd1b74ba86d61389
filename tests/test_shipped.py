"""The shipped provisions in the data directory: a new installation gets every workflow and template; an upgrade
replaces what nobody touched; what an administrator replaced or deleted stays as it is."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from perspektive import create_app, shipped
from perspektive.referrals.openpgp import stop_agent
from tests.conftest import SHIPPED


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A copy of perspektive/defaults standing in for the installed package, so a test can ship a new release."""
    copy = tmp_path / "package"
    shutil.copytree(SHIPPED, copy, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    monkeypatch.setattr(shipped, "resource", lambda name: copy / name)
    return copy


def test_a_new_data_directory_gets_every_shipped_workflow_and_template(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    stop_agent(Path(app.config["DATA_DIR"]) / "gnupg")
    assert app.config["WORKFLOWS_DIR"] == str(tmp_path / "data" / "workflows")
    engine = app.extensions["perspektive"]
    assert sorted(engine.workflows) == sorted(p.stem for p in (SHIPPED / "workflows").glob("*.toml"))
    letters = Path(app.config["LETTER_TEMPLATES_DIR"])
    assert (letters / "section_25b" / "antrag.docx").read_bytes() == (
        SHIPPED / "letter_templates" / "section_25b" / "antrag.docx").read_bytes()
    assert not list(letters.rglob("*.py"))  # the template builder script is not a provision


def test_an_upgrade_replaces_what_nobody_touched_and_keeps_what_an_administrator_changed(package, tmp_path):
    live = tmp_path / "live"
    shipped.install_provisions("workflows", live)
    uploaded = (live / "section_25a.toml").read_text(encoding="utf-8") + "\n# vom Admin geändert\n"
    (live / "section_25a.toml").write_text(uploaded, encoding="utf-8")
    (live / "section_16g.toml").unlink()  # an administrator took § 16g out
    for name in ("section_25b.toml", "section_25a.toml", "section_16g.toml"):  # the next release changes all three
        (package / "workflows" / name).write_text(
            (package / "workflows" / name).read_text(encoding="utf-8") + "\n# Release 0.2\n", encoding="utf-8")

    written = shipped.install_provisions("workflows", live)

    assert written == ["section_25b.toml"]
    assert (live / "section_25b.toml").read_text(encoding="utf-8").endswith("# Release 0.2\n")
    assert (live / "section_25a.toml").read_text(encoding="utf-8") == uploaded
    assert not (live / "section_16g.toml").exists()
    assert shipped.install_provisions("workflows", live) == []  # a second start changes nothing


def test_a_file_placed_before_the_first_start_is_kept_unless_it_is_the_shipped_one(package, tmp_path):
    live = tmp_path / "live"
    live.mkdir()
    (live / "section_25b.toml").write_text("# eine eigene Fassung\n", encoding="utf-8")
    shutil.copy(package / "workflows" / "section_60d.toml", live / "section_60d.toml")
    written = shipped.install_provisions("workflows", live)
    assert "section_25b.toml" not in written and "section_60d.toml" not in written
    assert (live / "section_25b.toml").read_text(encoding="utf-8") == "# eine eigene Fassung\n"
    # The identical copy counts as shipped: the next release replaces it.
    (package / "workflows" / "section_60d.toml").write_text("# Release 0.2\n", encoding="utf-8")
    assert shipped.install_provisions("workflows", live) == ["section_60d.toml"]
