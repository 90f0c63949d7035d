"""How much the normalisers cost per call, relative to str.strip on the same inputs.

    python bench/bench_normalize.py [--rows N]

Prints microseconds per call and the ratio to a ``str.strip`` baseline measured in the
same run, so numbers from different machines can be compared. Nothing here asserts;
the point is to notice when an import of tens of thousands of rows would get slow.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cims_xl.domain import normalize as N  # noqa: E402

PHONES = [
    "138 0013 8000", "+86 139-1234-5678", "0086 13600000000", "010-12345678",
    "(0755) 8888 8888", "１３７００１３７０００", "021 6888 8888 转 12",
]  # fmt: skip
EMAILS = ["Bob@Example.COM", "zhang.san＠qq.com", " mailto:li@163.com", "wang@例子.中国"]
DATES = ["2024-10-05", "2024年10月5日", "05/10/2024", "Oct 5, 2024", "45000", "20241005"]
MONEY = ["¥1,234.50", "1 234,50 €", "$1,234.50", "(1,234.50)", "1.5万元", "1234"]


def distinct_phones(count: int) -> list[str]:
    """Different mobiles each time, so the cache cannot help."""
    return [f"139 {n // 10000:04d} {n % 10000:04d}" for n in range(1_000_000, 1_000_000 + count)]


def per_call_us(func: Callable[[str], object], inputs: Sequence[str], repeat: int,
                before: Callable[[], None] | None = None) -> float:  # fmt: skip
    """Best-of-``repeat`` microseconds per call over ``inputs``."""
    timings = []
    for _ in range(repeat):
        if before is not None:
            before()
        gc.disable()
        start = time.perf_counter()
        for value in inputs:
            try:
                func(value)
            except ValueError:
                pass
        elapsed = time.perf_counter() - start
        gc.enable()
        timings.append(elapsed / len(inputs) * 1e6)
    return min(timings)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000, help="calls per measurement")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    def cycle(values: Sequence[str]) -> list[str]:
        return [values[i % len(values)] for i in range(args.rows)]

    fresh = distinct_phones(args.rows)
    cases: list[tuple[str, Callable[[str], object], list[str], Callable[[], None] | None]] = [
        ("phone (cold cache)", N.normalize_phone, fresh, N._normalize_phone_text.cache_clear),
        ("phone (warm cache)", N.normalize_phone, cycle(PHONES), None),
        ("email", N.normalize_email, cycle(EMAILS), None),
        ("date", N.parse_date, cycle(DATES), None),
        ("money", N.parse_money, cycle(MONEY), None),
    ]
    N.normalize_phone(PHONES[0])  # import-time work and first regex compiles out of the way

    print(f"{args.rows} calls per measurement, best of {args.repeat}")
    print(f"{'function':<20} {'µs/call':>9} {'strip µs':>9} {'× strip':>9}")
    for name, func, inputs, before in cases:
        for value in inputs[: len(PHONES)]:  # warm the cache where that is the point
            try:
                func(value)
            except ValueError:
                pass
        baseline = per_call_us(str.strip, inputs, args.repeat)
        cost = per_call_us(func, inputs, args.repeat, before)
        print(f"{name:<20} {cost:>9.2f} {baseline:>9.3f} {cost / baseline:>9.0f}")
    info = N._normalize_phone_text.cache_info()
    print(f"\nphone cache: {info.currsize} entries (max {info.maxsize})")


if __name__ == "__main__":
    main()
