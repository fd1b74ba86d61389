"""The provisions' plugins, one file each, loaded by file from ``PLUGINS_DIR`` (never imported through this
package; it exists so that import-linter checks that each stands alone and uses only what the law exports)."""
