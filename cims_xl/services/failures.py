"""What the edges (CLI, Excel) tell the user about a failure that is not a CimsError.

The Excel layer talks to services, never to the store: this is the store's answer to
"is this exception the store failing to be written?" (`store.db.storage_failure`).
"""

from __future__ import annotations

from ..store.db import storage_failure

__all__ = ["storage_failure"]
