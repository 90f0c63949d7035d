"""Write cims_xl/data/country_table.json: the country-name table domain/countries.py
builds from babel's CLDR data and pycountry, shipped so that a process does not rebuild
it (a second or two: babel loads a hundred locales).

    python tools/gen_country_table.py      # after upgrading babel or pycountry

tests/test_country_table.py fails when the shipped file differs from what the installed
libraries build; at run time a file made by other versions is ignored (rebuilt).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cims_xl.domain import countries  # noqa: E402


def main() -> None:
    data = countries.table_as_data()
    out = ROOT / "cims_xl" / "data" / countries.SHIPPED_TABLE
    out.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(data['table'])} names, {data['made_by']})")


if __name__ == "__main__":
    main()
