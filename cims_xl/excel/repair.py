"""Put back what is CIMS's own in a workbook package when another tool dropped it.

- The ribbon: a `customUI/customUI.xml` or `customUI/customUI14.xml` part without the
  package relationship that makes Office load it (openpyxl keeps only the 2007 one, so a
  workbook once saved by a plain openpyxl script loses the CIMS tab in Office 2010+).

Table ranges and hidden columns are repaired on the model by `FileSheet` (see
`adapter.FileSheet._repair`), before the sync reads the rows.

Sources: [MS-CUSTOMUI] §2.1 (the ui/extensibility relationship types, 2006 and 2007).
"""

from __future__ import annotations

from .package import REL_CUSTOM_UI, REL_CUSTOM_UI14, Package

_RIBBON_PARTS = {"customUI/customUI.xml": REL_CUSTOM_UI, "customUI/customUI14.xml": REL_CUSTOM_UI14}


def repair_package(pkg: Package) -> list[str]:
    """Add missing ribbon relationships; returns what was repaired (for messages and tests)."""
    done = []
    present = {(r.type, r.target.lstrip("/")) for r in pkg.rels("")}
    for part, rel_type in _RIBBON_PARTS.items():
        if pkg.has(part) and not any(t == rel_type for t, _ in present):
            pkg.add_rel("", rel_type, part)
            done.append(f"ribbon relationship for {part}")
    return done
