"""Moving an embedded installation (SQLite) into PostgreSQL: ``migrate-to postgresql://…`` makes the schema by
the migrations, copies every table in the order of its foreign keys, sets the sequences and checks row counts and
checksums on both sides (docs/deployment.md). It reads every capability's tables, so it sits beside the backup."""
from .checksums import Mismatch, Tally
from .cli import COMMANDS
from .copying import Relocation, RelocationError, relocate, verify_copy

__all__ = ["COMMANDS", "Mismatch", "Relocation", "RelocationError", "Tally", "relocate", "verify_copy"]
