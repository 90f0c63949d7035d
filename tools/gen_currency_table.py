"""Write cims_xl/data/currency_table.json: the currency table money.py builds from
babel's CLDR data, shipped so that a process does not rebuild it (about a second).

    python tools/gen_currency_table.py      # after upgrading babel

tests/test_money_table.py fails when the shipped file differs from what the installed
babel builds; at run time a file from another babel version is ignored (rebuilt).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cims_xl.domain import money  # noqa: E402


def main() -> None:
    data = money.table_as_data(money._babel_table(), money._babel_codes())
    out = ROOT / "cims_xl" / "data" / money.SHIPPED_TABLE
    out.write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=False) + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(data['candidates'])} tokens, {len(data['codes'])} codes, babel {data['babel']})")


if __name__ == "__main__":
    main()
