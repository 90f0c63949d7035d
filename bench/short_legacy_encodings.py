"""How often a small CSV of names in a legacy encoding is decided silently wrong.

For each encoding, N generated files (tests/short_legacy_files.py): "right" (the decided
encoding reads the bytes as the text), "stop" (the import stops, offering an --encoding
that reads them right) or "WRONG" (a wrong text decided silently, or a stop offering
no right reading). "gbk*", "big5*", "cp932*", "euc_kr*": 3-6 rows of Name, Email,
Phone, City (shaped_file).

Usage: python bench/short_legacy_encodings.py [N] [--from FIRST_SEED] [-v]"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from short_legacy_files import LEGACY, REVERSE, shaped_file, small_file  # noqa: E402

from cims_xl.importer.encoding import EncodingUncertain, decide  # noqa: E402


def outcome(text: str, encoding: str) -> tuple[str, str]:
    data = text.encode(encoding)
    try:
        chosen = decide(data, complete=True, file_name="people.csv")
    except EncodingUncertain as stop:
        if any(data.decode(n, "replace") == text and f"--encoding {n}" in str(stop) for n in stop.names):
            return "stop", ""
        return "WRONG", f"stop without it: {stop.names}"
    try:
        right = data.decode(chosen.name) == text
    except UnicodeDecodeError:
        right = False
    return ("right", "") if right else ("WRONG", f"as {chosen.name}: {data.decode(chosen.name, 'replace')[:80]!r}")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 300
    first = int(sys.argv[sys.argv.index("--from") + 1]) if "--from" in sys.argv else 0
    verbose = "-v" in sys.argv
    total = Counter()
    start = time.perf_counter()
    for shape, encoding in [(small_file, e) for e in (*LEGACY, *REVERSE)] + [
            (shaped_file, e) for e in ("gbk", "big5", "cp932", "euc_kr")]:
        counts = Counter()
        for seed in range(first, first + n):
            text = shape(seed, encoding)
            result, why = outcome(text, encoding)
            counts[result] += 1
            if result == "WRONG" and verbose:
                print(f"  {encoding} seed {seed}: {why}  | {text.splitlines()[1][:40]!r}")
        total.update(counts)
        label = encoding + ("*" if shape is shaped_file else "")
        print(f"{label:10} right {counts['right']:4}  stop {counts['stop']:4}  WRONG {counts['WRONG']:4}"
              f"  ({100 * counts['WRONG'] / n:.1f}% silent-wrong)", flush=True)
    files = sum(total.values())
    print(f"all        right {total['right']:4}  stop {total['stop']:4}  WRONG {total['WRONG']:4}"
          f"  ({100 * total['WRONG'] / files:.1f}%) in {time.perf_counter() - start:.0f}s")


if __name__ == "__main__":
    main()
