"""What Perspektive ships besides its code, read-only: the default configuration (``default.toml``), the
provisions' workflow files (``workflows/``) and letter templates (``letter_templates/``), and the provisions'
plugins (``plugins/``). ``perspektive.shipped`` reads them with ``importlib.resources`` and installs the workflows
and templates into the folders the engine reads; the plugins are loaded from here by file (``PLUGINS_DIR``)."""
