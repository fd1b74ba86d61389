"""The plugin manager: the law's own plugins, those the app passes in (``followups.PLUGINS``), then
``plugins/*.py``, then installed entry points (group ``perspektive``).

Nothing is loaded as a side effect of import: ``build_plugin_manager`` is called by ``create_app`` and by tests.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pluggy

from . import hookspecs

hookimpl = pluggy.HookimplMarker("perspektive")

BUILTIN_PLUGINS = ("perspektive.law.builtin_criteria",)


def build_plugin_manager(plugins_dir: str | Path | None = None, builtin_plugins=()) -> pluggy.PluginManager:
    """``builtin_plugins`` are modules of the capabilities above the law (the law cannot import them)."""
    pm = pluggy.PluginManager("perspektive")
    pm.add_hookspecs(hookspecs)
    for name in BUILTIN_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    for module in builtin_plugins:
        pm.register(module, name=module.__name__)
    if plugins_dir is not None:
        for path in sorted(Path(plugins_dir).glob("*.py")):
            if path.name.startswith("_"):
                continue
            pm.register(_load_file(path), name=f"plugins/{path.name}")
    pm.load_setuptools_entrypoints("perspektive")
    pm.check_pending()
    return pm


def _load_file(path: Path):
    """Import a one-off plugin file under a private module name, so two plugin dirs never clash."""
    module_name = f"perspektive_plugin_{path.parent.name}_{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module
