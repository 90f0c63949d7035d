"""Dependencies point inward: the core never imports xlwings or click; only store/ writes SQL."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import REPO

CORE = ["cims_xl.domain.models", "cims_xl.domain.normalize", "cims_xl.store.db", "cims_xl.security.keys",
        "cims_xl.security.audit", "cims_xl.services.records", "cims_xl.services.search",
        "cims_xl.services.backup", "cims_xl.services.gdpr", "cims_xl.importer.run", "cims_xl.reports.compute"]


def test_the_core_imports_neither_xlwings_nor_click_nor_opens_anything():
    code = ("import sys\n" + "".join(f"import {m}\n" for m in CORE) +
            "print(sorted(m for m in ('xlwings', 'click', 'tkinter') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_only_the_store_package_imports_sqlcipher3_or_writes_sql():
    sql = re.compile(r"""\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE TABLE)\b|["']\s*PRAGMA|\.conn\.execute""")
    offenders = []
    for path in (REPO / "cims_xl").rglob("*.py"):
        if "store" in path.relative_to(REPO / "cims_xl").parts[:1]:
            continue
        text = path.read_text(encoding="utf-8")
        if "sqlcipher3" in text or sql.search(text):
            offenders.append(str(path.relative_to(REPO)))
    assert offenders == []


def test_no_module_uses_what_exists_only_on_unix():
    # Excel users are on Windows: fcntl, pwd, os.pread ... would fail there at import or
    # on first use (the key-file lock used fcntl until this test was written).
    import ast

    unix_modules = {"fcntl", "termios", "pwd", "grp", "resource", "posix"}
    unix_os = {"pread", "pwrite", "fork", "getuid", "geteuid", "killpg", "setsid", "mkfifo"}
    offenders = []
    for path in (REPO / "cims_xl").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module.split(".")[0]]
            if any(n in unix_modules for n in names) and not all((path.name, n) in GUARDED_IMPORTS for n in names):
                offenders.append(f"{path.name}:{node.lineno} imports {names}")
            if (isinstance(node, ast.Attribute) and node.attr in unix_os
                    and isinstance(node.value, ast.Name) and node.value.id == "os"
                    and (path.name, node.attr) not in LINUX_ONLY_PATHS):
                offenders.append(f"{path.name}:{node.lineno} uses os.{node.attr}")
    assert offenders == []


# Where a Unix call is reached only after the module asks parallel.available() (Linux,
# fork start method): the first pass's forked copy continues the caller's loop, which
# only os.fork does (multiprocessing starts a new function).
LINUX_ONLY_PATHS = {("scan_split.py", "fork")}
# Imported inside a function, in a `try` whose ImportError (Windows: no termios) is caught:
# the terminal's echo is turned off while the CLI loads where there is a terminal to quiet.
GUARDED_IMPORTS = {("launch.py", "termios")}


def test_a_guarded_unix_import_is_inside_a_try_that_catches_import_error():
    import ast

    for name, module in GUARDED_IMPORTS:
        tree = ast.parse((REPO / "cims_xl" / name).read_text(encoding="utf-8"))
        found = 0
        for node in ast.walk(tree):
            if not isinstance(node, ast.Try):
                continue
            imports = [n for stmt in node.body for n in ast.walk(stmt)
                       if isinstance(n, ast.Import) and any(a.name == module for a in n.names)]
            if not imports:
                continue
            caught = {ast.unparse(h.type) for h in node.handlers if h.type is not None}
            assert any("ImportError" in c or c == "Exception" for c in caught), (name, caught)
            found += len(imports)
        assert found, (name, module)


def test_a_unix_call_allowed_in_a_module_is_behind_the_linux_check():
    from cims_xl.importer import parallel, scan_split

    for name, _attr in LINUX_ONLY_PATHS:
        text = (REPO / "cims_xl" / "importer" / name).read_text(encoding="utf-8")
        assert "parallel.available()" in text
    assert parallel.available() == sys.platform.startswith("linux")
    assert scan_split.available(True) is parallel.available()
    assert scan_split.available(False) is False


# Imports made inside functions count too (a lazy import is still a dependency).

def _imports(path, package: str):
    """(line, absolute module) of every import in a file, at any depth (functions too)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield node.lineno, module


def test_the_core_never_imports_the_edges_not_even_inside_a_function():
    forbidden = ("cims_xl.excel", "cims_xl.cli", "xlwings", "click")
    offenders = []
    for layer in ("domain", "store", "security", "services"):
        for path in (REPO / "cims_xl" / layer).rglob("*.py"):
            offenders += _importing(path, forbidden)
    assert offenders == []


def _importing(path, prefixes: tuple[str, ...]) -> list[str]:
    """`file:line imports module` for each import (at any depth) of a module in `prefixes`."""
    rel = str(path.relative_to(REPO))
    package = ".".join(path.relative_to(REPO).with_suffix("").parts[:-1])
    return [f"{rel}:{line} imports {module}" for line, module in _imports(path, package)
            if any(module == p or module.startswith(p + ".") for p in prefixes)]


def test_only_the_excel_package_reads_or_writes_workbooks_with_openpyxl_or_xlwings():
    # One home for workbook I/O (issue 16 item 6): reports/, importer/ and services/ get a
    # writer passed in by the entry points instead of importing one.
    offenders = []
    for path in (REPO / "cims_xl").rglob("*.py"):
        if path.parent.name != "excel":
            offenders += _importing(path, ("openpyxl", "xlwings"))
    assert offenders == []


def test_the_reports_never_import_the_excel_package_so_excel_depends_on_reports_one_way():
    # excel/ (the builder, sync, the writers) uses reports/; reports/ computes and plans
    # only, so no lazy import hides a cycle between the two.
    offenders = []
    for path in (REPO / "cims_xl" / "reports").rglob("*.py"):
        offenders += _importing(path, ("cims_xl.excel", "cims_xl.cli", "openpyxl", "xlwings"))
    assert offenders == []


def test_sync_imports_the_report_writer_at_module_level_not_behind_a_lazy_import():
    import ast

    tree = ast.parse((REPO / "cims_xl" / "excel" / "sync.py").read_text(encoding="utf-8"))
    lazy = [n.lineno for fn in ast.walk(tree) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
            for n in ast.walk(fn) if isinstance(n, ast.ImportFrom)
            and (n.module or "").split(".")[0] in ("reports", "report_writer")]
    assert lazy == []


def test_the_function_level_import_check_sees_a_lazy_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from ..excel.adapter import FileWorkbook\n    return FileWorkbook\n")
    assert list(_imports(module, "cims_xl.services")) == [(2, "cims_xl.excel.adapter")]
