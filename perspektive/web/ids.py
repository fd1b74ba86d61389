"""Ids in URLs: ``<int:...>`` matches only what can name a row, so ``/clients/9223372036854775808`` is a plain 404
like any unknown id, instead of an overflow in the database driver (probe finding 9)."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter, ValidationError

from perspektive.db import MAX_ID

__all__ = ["MAX_ID", "IdConverter"]


class IdConverter(IntegerConverter):
    """Werkzeug's integer converter with an upper bound, which also refuses a number too long to convert."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID - 1)
        super().__init__(url_map, *args, **kwargs)

    def to_python(self, value: str):
        if len(value) > len(str(MAX_ID)):
            raise ValidationError()
        return super().to_python(value)
