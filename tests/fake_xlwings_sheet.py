"""Just enough of an xlwings workbook's sheets for the tests of the live (Excel) adapter,
where Excel itself cannot run: cells by (row, column), ranges, Excel Tables with their
header and body ranges, resize, number formats, and the used range (a hand-written fake, as the
project's other Excel-side tests use)."""

from __future__ import annotations


class Range:
    def __init__(self, sheet, r1, c1, r2, c2):
        self.sheet, self.row, self.column = sheet, r1, c1
        self.shape = (r2 - r1 + 1, c2 - c1 + 1)
        self.r2, self.c2 = r2, c2

    def options(self, **kw):
        return self

    @property
    def value(self):
        vals = [[self.sheet.cells.get((r, c)) for c in range(self.column, self.c2 + 1)]
                for r in range(self.row, self.r2 + 1)]
        return vals[0] if self.shape[0] == 1 else vals

    @value.setter
    def value(self, v):
        self.sheet.cells[(self.row, self.column)] = v

    @property
    def number_format(self):
        """The one format of every cell of the range, None when they differ (as xlwings)."""
        found = {self.sheet.formats.get((r, c), "General") for r in range(self.row, self.r2 + 1)
                 for c in range(self.column, self.c2 + 1)}
        return found.pop() if len(found) == 1 else None

    @number_format.setter
    def number_format(self, fmt):
        for r in range(self.row, self.r2 + 1):
            for c in range(self.column, self.c2 + 1):
                self.sheet.formats[(r, c)] = fmt

    @property
    def formula(self):
        return [["" if self.sheet.cells.get((r, c)) is None else str(self.sheet.cells[(r, c)])
                 for c in range(self.column, self.c2 + 1)] for r in range(self.row, self.r2 + 1)]


class Table:
    def __init__(self, sheet, name, r1, c1, r2, c2):
        self.sheet, self.name, self.box = sheet, name, [r1, c1, r2, c2]

    @property
    def range(self):
        return Range(self.sheet, *self.box)

    @property
    def header_row_range(self):
        r1, c1, _, c2 = self.box
        return Range(self.sheet, r1, c1, r1, c2)

    @property
    def data_body_range(self):
        r1, c1, r2, c2 = self.box
        return Range(self.sheet, r1 + 1, c1, r2, c2)

    def resize(self, rng):
        self.box = [rng.row, rng.column, rng.r2, rng.c2]


class Tables(list):
    def __getitem__(self, key):
        return next(t for t in self if t.name == key) if isinstance(key, str) else super().__getitem__(key)


class Sheet:
    """Just enough of an xlwings sheet: cells by (row, column), tables, used range."""

    def __init__(self, name, cells):
        self.name, self.cells, self.tables = name, dict(cells), Tables()
        self.formats: dict[tuple[int, int], str] = {}   # number formats by (row, column)

    def range(self, a, b=None):
        b = b or a
        return Range(self, a[0], a[1], b[0], b[1])

    @property
    def used_range(self):
        rows = [r for r, _ in self.cells]
        cols = [c for _, c in self.cells]
        return Range(self, 1, 1, max(rows), max(cols))
