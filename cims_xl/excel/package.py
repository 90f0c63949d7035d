"""An OPC package (.xlsx/.xlsm zip) edited part by part.

`Package` holds the zip's parts as bytes; only the parts a caller replaces are
re-serialised, every other part is written back byte for byte (same bytes, same order,
same compression). Relationships (`*.rels`) and content types are read and changed
with lxml. `Package.save` writes the new zip atomically: a `.cims-save-<pid>-*` scratch
file in the same folder (0600), fsync, then `os.replace`; the scratch file is removed
on any failure, and one a killed process left is swept by the next save there.

Sources: ECMA-376 Part 2 (Open Packaging Conventions) §9 (parts, part names,
relationships), §10.1.2 ([Content_Types].xml).
"""

from __future__ import annotations

import os
import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..errors import CimsError

PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SML_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

REL_OFFICE_DOCUMENT = DOC_REL_NS + "/officeDocument"
REL_WORKSHEET = DOC_REL_NS + "/worksheet"
REL_TABLE = DOC_REL_NS + "/table"
REL_DRAWING = DOC_REL_NS + "/drawing"
REL_CHART = DOC_REL_NS + "/chart"
REL_SHARED_STRINGS = DOC_REL_NS + "/sharedStrings"
REL_STYLES = DOC_REL_NS + "/styles"
REL_CUSTOM_UI = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
REL_CUSTOM_UI14 = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"

CT_TABLE = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CT_SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"

XML_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


class PackageError(CimsError):
    """The file is not a readable Office Open XML package."""


@dataclass
class Rel:
    """One relationship: id, type, target (as written) and whether it is external."""

    id: str
    type: str
    target: str
    external: bool = False


def rels_name(part: str) -> str:
    """The relationships part of `part` ("" is the package itself): a/b.xml -> a/_rels/b.xml.rels."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(source: str, target: str) -> str:
    """The part name a relative `target` of a relationship of `source` points at."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target)).lstrip("/")


def relative(source: str, part: str) -> str:
    """`part` as a target relative to the folder of `source`."""
    return posixpath.relpath(part, posixpath.dirname(source) or ".")


class Package:
    """The parts of a zip package, read once; changed parts replace the originals on save."""

    def __init__(self, path: str | os.PathLike, data: bytes | None = None):
        """The package at `path`, or in `data` (the file's bytes as read earlier)."""
        import io

        self.path = Path(path)
        try:
            with zipfile.ZipFile(io.BytesIO(data) if data is not None else self.path) as z:
                self._infos = z.infolist()
                check_part_sizes(self.path.name, self._infos)
                self._data = {i.filename: z.read(i.filename) for i in self._infos}
            check_cell_count(self.path.name, self._data)
        except (zipfile.BadZipFile, OSError, KeyError) as exc:
            raise PackageError(f"cannot open {self.path.name} as an Excel workbook: {exc}") from None
        self.original = dict(self._data)
        self._trees: dict[str, etree._Element] = {}
        self._pristine: dict[str, bytes] = {}  # serialisation right after parsing

    # -- parts --
    def names(self) -> list[str]:
        return list(self._data)

    def has(self, part: str) -> bool:
        return part in self._data

    def is_parsed(self, part: str) -> bool:
        """Whether `part` is held parsed (`xml`): reading its bytes would serialise it."""
        return part in self._trees

    def read(self, part: str) -> bytes:
        if part in self._trees:
            self._flush(part)
        return self._data[part]

    def xml(self, part: str, *, edit: bool = False) -> etree._Element:
        """The part parsed; changes to the tree are written on save.

        A part only read keeps its bytes (its serialisation is compared on save); with
        `edit` the caller says it will change it, which skips that comparison (large sheets).
        """
        if part not in self._trees:
            parser = etree.XMLParser(remove_blank_text=False, resolve_entities=False, huge_tree=True)
            self._trees[part] = etree.fromstring(self._data[part], parser)
            if not edit:
                self._pristine[part] = etree.tostring(self._trees[part], encoding="UTF-8")
        elif edit:
            self._pristine.pop(part, None)
        return self._trees[part]

    def set_xml(self, part: str, root: etree._Element) -> None:
        self._trees[part] = root
        self._pristine.pop(part, None)
        self._data.setdefault(part, b"")

    def write(self, part: str, data: bytes) -> None:
        self._trees.pop(part, None)
        self._pristine.pop(part, None)
        self._data[part] = data

    def delete(self, part: str) -> None:
        self._trees.pop(part, None)
        self._data.pop(part, None)
        self._trees.pop(rels_name(part), None)
        self._data.pop(rels_name(part), None)

    def _flush(self, part: str) -> None:
        data = etree.tostring(self._trees[part], encoding="UTF-8")
        if self._pristine.get(part) != data:  # parsed only to be read: keep its bytes
            self._data[part] = XML_DECL + data

    def changed(self) -> list[str]:
        """Names of parts whose bytes differ from the file's (added parts included)."""
        for part in list(self._trees):
            self._flush(part)
        return [n for n, d in self._data.items() if self.original.get(n) != d]

    def free_name(self, pattern: str) -> str:
        """The first unused part name of `pattern` (with {n} from 1), e.g. xl/tables/table{n}.xml."""
        n = 1
        while pattern.format(n=n) in self._data:
            n += 1
        return pattern.format(n=n)

    # -- relationships --
    def rels(self, part: str) -> list[Rel]:
        name = rels_name(part)
        if name not in self._data:
            return []
        out = []
        for el in self.xml(name):
            if el.tag == f"{{{PKG_REL_NS}}}Relationship":
                out.append(Rel(el.get("Id"), el.get("Type"), el.get("Target"),
                               el.get("TargetMode") == "External"))
        return out

    def rel_targets(self, part: str, rel_type: str) -> list[tuple[str, str]]:
        """(id, target part name) of `part`'s internal relationships of one type."""
        return [(r.id, resolve(part, r.target)) for r in self.rels(part)
                if r.type == rel_type and not r.external]

    def target(self, part: str, rel_id: str) -> str | None:
        for r in self.rels(part):
            if r.id == rel_id and not r.external:
                return resolve(part, r.target)
        return None

    def add_rel(self, part: str, rel_type: str, target_part: str, rel_id: str | None = None) -> str:
        """Add a relationship from `part` (""=package) to `target_part`; returns its id."""
        name = rels_name(part)
        if name not in self._data:
            self.set_xml(name, etree.Element(f"{{{PKG_REL_NS}}}Relationships", nsmap={None: PKG_REL_NS}))
        root = self.xml(name)
        used = {el.get("Id") for el in root}
        if rel_id is None or rel_id in used:
            n = 1
            while f"rId{n}" in used:
                n += 1
            rel_id = f"rId{n}"
        target = "/" + target_part if part == "" else relative(part, target_part)
        el = etree.SubElement(root, f"{{{PKG_REL_NS}}}Relationship")
        el.set("Id", rel_id)
        el.set("Type", rel_type)
        el.set("Target", target)
        return rel_id

    def remove_rel(self, part: str, rel_id: str) -> None:
        name = rels_name(part)
        if name not in self._data:
            return
        root = self.xml(name)
        for el in list(root):
            if el.get("Id") == rel_id:
                root.remove(el)

    def dangling(self) -> list[tuple[str, str]]:
        """(rels part, target) of every internal relationship whose target part is missing."""
        out = []
        for name in list(self._data):
            if not name.endswith(".rels"):
                continue
            folder = posixpath.dirname(posixpath.dirname(name))
            source = posixpath.join(folder, posixpath.basename(name)[:-5])
            source = "" if posixpath.basename(name) == ".rels" and folder == "" else source
            for r in self.rels(source):
                if not r.external and resolve(source, r.target) not in self._data:
                    out.append((name, r.target))
        return out

    # -- content types --
    def content_type_override(self, part: str, content_type: str) -> None:
        root = self.xml("[Content_Types].xml")
        for el in root:
            if el.tag == f"{{{CT_NS}}}Override" and el.get("PartName") == "/" + part:
                el.set("ContentType", content_type)
                return
        el = etree.SubElement(root, f"{{{CT_NS}}}Override")
        el.set("PartName", "/" + part)
        el.set("ContentType", content_type)

    def drop_content_type(self, part: str) -> None:
        root = self.xml("[Content_Types].xml")
        for el in list(root):
            if el.tag == f"{{{CT_NS}}}Override" and el.get("PartName") == "/" + part:
                root.remove(el)

    # -- writing --
    def to_bytes(self) -> bytes:
        import io

        buf = io.BytesIO()
        self._write_zip(buf)
        return buf.getvalue()

    def _write_zip(self, fileobj) -> None:
        """Every part deflated, in the original order (`[Content_Types].xml` stays where
        it was, first in the files we build), new parts after; names, times and
        attributes kept. A part read stored (our template is built stored, see
        `build._zip`) is written deflated: a 30,000-customer sheet is 32 MB of XML."""
        self.changed()  # serialise edited trees
        with zipfile.ZipFile(fileobj, "w", zipfile.ZIP_DEFLATED) as out:
            done = set()
            for info in self._infos:
                if info.filename in self._data:
                    out.writestr(deflated_info(info), self._data[info.filename])
                    done.add(info.filename)
            for name, data in self._data.items():
                if name not in done:
                    out.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)

    def save(self, target: str | os.PathLike | None = None) -> None:
        """Write the package to `target` (default: where it came from), atomically."""
        target = Path(target) if target else self.path
        atomic_write(target, self._write_zip)


def deflated_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A copy of a part's zip entry header that writes the part deflated.

    Name, time, attributes and comment are kept; sizes, CRC and extra fields (zip64
    sizes of the old entry) are left for `ZipFile.writestr` to set anew.
    """
    new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    new.compress_type = zipfile.ZIP_DEFLATED
    new.create_system = info.create_system
    new.external_attr = info.external_attr
    new.comment = info.comment
    return new


def atomic_write(target: Path, write) -> None:
    """Call write(fileobj) on a scratch file beside `target`, fsync, then rename over it.

    The scratch file (`.cims-save-<pid>-*`, 0600, see `cims_xl.scratch`) never outlives
    a failure, and one a killed process left is swept by the next save into that folder;
    the new workbook is readable by its owner only, as `scratch_files.save_workbook`
    writes it. A locked or read-only target raises a one-line CimsError.
    """
    from ..crashpoints import crash_point
    from ..scratch import keep_mode, scratch_file
    from .adapter import SheetError  # one message for a locked workbook, whichever path writes

    try:
        tmp = scratch_file(target.parent, "save", target.suffix)
    except PermissionError:
        raise SheetError(f"cannot write {target.name}: check the folder's permissions") from None
    try:
        with open(tmp, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        keep_mode(target, tmp)       # the workbook's own mode and group; a new one 0600
        crash_point("workbook.temp-written")
        os.replace(tmp, target)
    except PermissionError:
        raise SheetError(f"cannot write {target.name}: close it in Excel and try again") from None
    finally:
        tmp.unlink(missing_ok=True)


# Every reader of a workbook (openpyxl, this module) inflates whole parts into memory.
# A zip's declared sizes bound what zipfile will inflate (it stops there and checks the
# CRC), so a package is refused on them before any part is read. Our own workbook at
# 100,000 customers has a largest part of about 60 MB.
MAX_PART_BYTES = 256 * 2**20
MAX_PACKAGE_BYTES = 1024 * 2**20


def check_part_sizes(name: str, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a package whose parts would inflate past the memory budget (a zip bomb).

    Raises PackageError naming the largest part and its inflated size."""
    biggest = max(infos, key=lambda i: i.file_size, default=None)
    total = sum(i.file_size for i in infos)
    if biggest is not None and (biggest.file_size > MAX_PART_BYTES or total > MAX_PACKAGE_BYTES):
        raise PackageError(
            f"{name} is too large to open safely: its part {biggest.filename} inflates to "
            f"{biggest.file_size / 2**20:,.0f} MB ({total / 2**20:,.0f} MB in all; at most "
            f"{MAX_PART_BYTES // 2**20} MB a part and {MAX_PACKAGE_BYTES // 2**20} MB in all); nothing was changed")


# openpyxl keeps about 500 bytes per cell of a workbook it loads (measured: 8.5 million
# cells took 4 GB). A workbook with more cells than this is refused before it is loaded:
# ours at 100,000 customers holds about 2 million.
MAX_CELLS = 3_000_000
_CELL_TAGS = (b"<c ", b"<c>", b":c ", b":c>")


def check_cell_count(name: str, parts: dict[str, bytes]) -> None:
    """Refuse a package whose worksheets hold more than MAX_CELLS cells (counted by their
    `<c>` elements, prefixed or not). Raises PackageError naming the count."""
    cells = 0
    for part, data in parts.items():
        if part.startswith("xl/worksheets/") and part.endswith(".xml"):
            cells += sum(data.count(tag) for tag in _CELL_TAGS)
    if cells > MAX_CELLS:
        raise PackageError(f"{name} holds {cells:,} cells, too many to open safely here (at most "
                           f"{MAX_CELLS:,}); nothing was changed. Remove rows or sheets you do not need, "
                           "or keep fewer records in this workbook")


class NotOurWorkbook(CimsError):
    """The file is a workbook, but not one with the CIMS layout; it is left untouched."""


def require_cims_layout(path: str | os.PathLike, *, reports: bool = False) -> None:
    """Refuse a workbook without the CIMS layout before anything reads or writes it.

    A CIMS workbook has at least one data sheet holding its layout's table (e.g. sheet
    "Customers" with table "tblCustomers", or that sheet's only table, renamed, with our
    hidden `_key` column); for `reports`, a report workbook (one of the
    report sheets) also counts. Raises NotOurWorkbook or PackageError; reads only
    workbook.xml, its relationships and the table parts.
    """
    from .layout import BY_SHEET, REPORT_SHEETS

    path = Path(path)
    if not path.exists():
        raise PackageError(f"workbook not found: {path}")
    try:
        with zipfile.ZipFile(path) as z:
            check_part_sizes(path.name, z.infolist())
            names = set(z.namelist())
            pkg_rels = etree.fromstring(z.read("_rels/.rels"))
            book = next(resolve("", el.get("Target")) for el in pkg_rels
                        if el.get("Type") == REL_OFFICE_DOCUMENT)
            root = etree.fromstring(z.read(book))
            book_rels = etree.fromstring(z.read(rels_name(book))) if rels_name(book) in names else []
            targets = {el.get("Id"): resolve(book, el.get("Target")) for el in book_rels}
            sheets = {el.get("name"): targets.get(el.get(f"{{{DOC_REL_NS}}}id"))
                      for el in root.iter(f"{{{SML_NS}}}sheet")}
            if reports and any(name in sheets for name in REPORT_SHEETS):
                return
            ours = {lay.table.casefold() for lay in BY_SHEET.values()}
            for name, part in sheets.items():
                layout = BY_SHEET.get(name)
                if part is None or rels_name(part) not in names:
                    continue
                tables = [etree.fromstring(z.read(resolve(part, rel.get("Target"))))
                          for rel in etree.fromstring(z.read(rels_name(part)))
                          if rel.get("Type") == REL_TABLE and resolve(part, rel.get("Target")) in names]
                for table in tables:
                    # a data table on its sheet, or on a sheet the user renamed (Tickets -> 工单)
                    if str(table.get("name")).casefold() in ours or str(table.get("displayName")).casefold() in ours:
                        return
                if layout is None:
                    continue
                # the sheet's one table, renamed by the user, still carrying our hidden key column
                if len(tables) == 1 and "_key" in {c.get("name") for c in tables[0].iter(f"{{{SML_NS}}}tableColumn")}:
                    return
    except etree.XMLSyntaxError:
        raise PackageError(f"cannot open {path.name} as an Excel workbook: part of it is damaged "
                           "(its XML does not read); open it in Excel and save it again") from None
    except (zipfile.BadZipFile, KeyError, StopIteration, OSError) as exc:
        raise PackageError(f"cannot open {path.name} as an Excel workbook: {exc}") from None
    wanted = ", ".join(f"{lay.sheet} ({lay.table})" for lay in BY_SHEET.values())
    raise NotOurWorkbook(f"{path.name} is not a CIMS workbook: it has none of the tables {wanted}; "
                         f"nothing was changed (build one with: cims workbook build)")
