"""The test configuration, set before anything imports ``perspektive.tasks``: the one module that reads the
configuration at import (Huey needs its storage before a task is declared), and pytest imports this package
before any test module or conftest."""
import os
import tempfile

os.environ.setdefault("PERSPEKTIVE_CONFIG", os.path.join(os.path.dirname(__file__), "config.toml"))
os.environ.setdefault("PERSPEKTIVE_DATA_DIR", tempfile.mkdtemp(prefix="perspektive-test-"))
