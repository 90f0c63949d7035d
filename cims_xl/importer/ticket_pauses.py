"""When the response-target clock of an imported Pending ticket stopped.

A ticket Pending (or On hold) in the help desk it comes from has been paused since it
entered that status, not since the import (domain.sla). The file's time of the ticket's
last change (Zendesk "Updated at", a "Status changed" column: mapping's ``pending_since``
synonyms) is the latest that can be: the pause is counted from there. A row without one
is paused from the import, and the summary and dry run say how many, and how to say it.
"""

from __future__ import annotations

import datetime as dt


class PendingPauses:
    """Counts the Pending tickets of the rows planned for creating: with a time of their
    own from the file, and without one (paused from the import)."""

    def __init__(self, header: str | None):
        self.header = header            # the file's column read as the pause's start, if any
        self.from_file = 0
        self.from_import = 0

    def add(self, planned) -> None:
        """Count one planned chunk's new Pending tickets (plan.Planned)."""
        for _out, values in planned.creates:
            if values.get("status") == "Pending":
                if values.get("pending_since") is not None:
                    self.from_file += 1
                else:
                    self.from_import += 1

    def inferences(self, now: dt.datetime) -> list[dict]:
        """The summary's line on the pauses, or [] when no Pending ticket was imported."""
        if not (self.from_file or self.from_import):
            return []
        parts = []
        if self.from_file:
            parts.append(f"{self.from_file} Pending ticket(s) paused from their '{self.header}' time")
        if self.from_import:
            parts.append(f"{self.from_import} paused from the import ({now:%Y-%m-%d %H:%M} UTC)")
        if self.header:
            evidence = (f"'{self.header}' is when the help desk last changed the ticket: the latest its "
                        "pause can have started; the column is kept in Description too")
            if self.from_import:
                evidence += f"; the others have no '{self.header}' value"
        else:
            evidence = ("the file gives no time the tickets became Pending (no Updated at or Status "
                        'changed column); name one with --map "Column=Pending Since"')
        return [{"what": "pause of Pending tickets", "decided": "; ".join(parts), "evidence": evidence}]
