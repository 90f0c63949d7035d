"""The contract between the ribbon XML, the VBA and Python.

A ribbon button that names a missing Sub, or a Sub that calls a Python function that
does not exist, fails only when someone clicks it in Excel; these tests find it here.
The built workbook's VBA is read back with oletools, as Excel would see it.
"""

from __future__ import annotations

import importlib
import importlib.util
import re

import pytest

from cims_xl.excel import build

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # oletools' pyparsing use

SUB = re.compile(r"^\s*(?:Public\s+|Private\s+)?Sub\s+(\w+)\s*\(([^)]*)\)(.*?)^\s*End\s+Sub",
                 re.I | re.M | re.S)
RUN_PYTHON = re.compile(r'RunPython\s+"import\s+([\w.]+)(?:\s+as\s+(\w+))?\s*;\s*(\w+)\.(\w+)\(')
UDF_NAME = re.compile(r"\b(CIMS_[A-Z0-9]+)\(")


def _subs(source: str) -> dict[str, tuple[str, str]]:
    """Sub name -> (parameter list, body)."""
    return {m.group(1): (m.group(2).strip(), m.group(3)) for m in SUB.finditer(source)}


def _statements(body: str) -> list[str]:
    """Non-blank, non-comment lines (a quote inside RunPython's string is not a comment)."""
    lines = (line.strip() for line in body.splitlines())
    return [line for line in lines if line and not line.startswith("'")]


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


@pytest.fixture(scope="module")
def source_subs() -> dict[str, tuple[str, str]]:
    subs: dict[str, tuple[str, str]] = {}
    for path in sorted(build.VBA_DIR.glob("*.bas")):
        subs.update(_subs(path.read_text(encoding="utf-8")))
    return subs


@pytest.fixture(scope="module")
def built_modules(tmp_path_factory) -> dict[str, str]:
    """Module name -> source, read back from a freshly built workbook with oletools."""
    from oletools.olevba import VBA_Parser

    path = build.build_workbook(tmp_path_factory.mktemp("vba") / "cims.xlsm")
    parser = VBA_Parser(str(path))
    try:
        assert parser.detect_vba_macros(), "the built workbook carries no VBA project"
        return {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


@pytest.fixture(scope="module")
def ribbon_root():
    from xml.etree import ElementTree as ET

    return ET.fromstring(build.RIBBON_XML.read_text(encoding="utf-8"))


def _callbacks(root) -> set[str]:
    names = set()
    for element in root.iter():
        for attr in ("onAction", "onLoad"):
            if element.get(attr):
                names.add(element.get(attr))
    return names


# ----- ribbon XML <-> VBA -----------------------------------------------------------

def test_every_ribbon_callback_names_a_sub_in_the_vba_sources(ribbon_root, source_subs):
    missing = _callbacks(ribbon_root) - set(source_subs)
    assert not missing, f"ribbon callbacks without a Sub in vba/*.bas: {sorted(missing)}"


def test_every_ribbon_callback_names_a_sub_in_the_built_workbook(ribbon_root, built_modules):
    built_subs = set()
    for code in built_modules.values():
        built_subs |= set(_subs(code))
    missing = _callbacks(ribbon_root) - built_subs
    assert not missing, f"ribbon callbacks without a Sub in the built VBA: {sorted(missing)}"


def test_every_button_calls_the_one_dispatching_sub(ribbon_root):
    actions = {b.on_action for b in build.ribbon_buttons()}
    assert actions == {"CIMS_OnAction"}
    assert ribbon_root.get("onLoad") == "CIMS_OnLoad"


def test_the_dispatching_sub_is_one_run_python_line(source_subs):
    params, body = source_subs["CIMS_OnAction"]
    assert re.fullmatch(r"control\s+As\s+IRibbonControl", params, re.I)
    assert _statements(body) == [
        """RunPython "import cims_xl.excel.ribbon as r; r.dispatch('" & control.ID & "')\""""]


def test_the_onload_sub_keeps_the_ribbon_handle(source_subs):
    params, body = source_subs["CIMS_OnLoad"]
    assert re.fullmatch(r"ribbon\s+As\s+IRibbonUI", params, re.I)
    assert _statements(body) == ["Set mRibbon = ribbon"]


def test_ribbon_control_ids_are_unique():
    ids = [cid for cid, _, _ in build.RIBBON_CONTROLS]
    assert len(ids) == len(set(ids))


def test_our_modules_are_in_the_built_workbook_unchanged(built_modules):
    for name, source in build.our_vba_modules():
        assert name in built_modules, f"{name} missing from the built VBA"
        assert built_modules[name].replace("\r\n", "\n") == source.replace("\r\n", "\n")


# ----- xlwings ------------------------------------------------------------------------

def test_the_xlwings_module_comes_from_the_installed_package(built_modules):
    installed = build._xlwings_file("xlwings.bas")
    assert "xlwings" in built_modules
    assert built_modules["xlwings"].replace("\r\n", "\n") == installed.replace("\r\n", "\n")
    assert f"'Version: {build._xlwings_version()}" in built_modules["xlwings"]
    assert "Function RunPython(" in built_modules["xlwings"]


def test_the_mac_dictionary_class_that_xlwings_needs_is_present(built_modules):
    assert "Dim d As Dictionary" in built_modules["xlwings"]
    assert 'Attribute VB_Name = "Dictionary"' in built_modules["Dictionary"]
    assert "VERSION 1.0 CLASS" not in built_modules["Dictionary"]


def test_xlwings_sources_are_not_copied_into_ours():
    ours = {p.name.lower() for p in build.VBA_DIR.iterdir()}
    assert not ours & {"xlwings.bas", "dictionary.cls"}


# ----- VBA -> Python ---------------------------------------------------------------

def _run_python_targets() -> list[tuple[str, str]]:
    targets = []
    for path in sorted(build.VBA_DIR.glob("*.bas")):
        for module, alias, obj, func in RUN_PYTHON.findall(path.read_text(encoding="utf-8")):
            assert obj == (alias or module.split(".")[-1]), f"{path.name}: {obj}.{func} is not {module}"
            targets.append((module, func))
    return targets


def test_vba_calls_into_python_somewhere():
    assert ("cims_xl.excel.ribbon", "dispatch") in _run_python_targets()


@pytest.mark.parametrize("module, func", _run_python_targets())
def test_every_run_python_target_is_a_python_callable(module, func):
    if not _module_exists(module):
        pytest.skip(f"{module} is not written yet (another part of issue 3)")
    target = getattr(importlib.import_module(module), func, None)
    assert callable(target), f"RunPython calls {module}.{func}, which is not a callable"


def test_every_ribbon_control_id_has_a_dispatch_entry():
    if not _module_exists("cims_xl.excel.ribbon"):
        pytest.skip("cims_xl/excel/ribbon.py is not written yet (another part of issue 3)")
    ribbon = importlib.import_module("cims_xl.excel.ribbon")
    dispatch = getattr(ribbon, "DISPATCH")
    missing = [cid for cid, _, _ in build.RIBBON_CONTROLS if not callable(dispatch.get(cid))]
    assert not missing, f"ribbon buttons with no Python handler in DISPATCH: {missing}"


# ----- documented worksheet functions ------------------------------------------------

def _documented_udfs() -> dict[str, set[str]]:
    docs = {"Home sheet": {m for sig, _, _ in build.UDF_HELP for m in UDF_NAME.findall(sig)}}
    readme = build.REPO_ROOT / "README.md"
    if readme.exists():
        docs["README.md"] = set(UDF_NAME.findall(readme.read_text(encoding="utf-8")))
    return docs


def test_the_home_sheet_documents_the_six_worksheet_functions():
    assert _documented_udfs()["Home sheet"] == {"CIMS_GET", "CIMS_FIND", "CIMS_COUNT", "CIMS_LTV",
                                                "CIMS_PIPELINE", "CIMS_360"}


def test_every_documented_worksheet_function_exists():
    if not _module_exists("cims_xl.excel.udfs"):
        pytest.skip("cims_xl/excel/udfs.py is not written yet (another part of issue 3)")
    udfs = importlib.import_module("cims_xl.excel.udfs")
    missing = {where: sorted(n for n in names if not callable(getattr(udfs, n, None)))
               for where, names in _documented_udfs().items()}
    assert not any(missing.values()), f"documented but not in cims_xl.excel.udfs: {missing}"


def test_the_udf_module_in_xlwings_conf_is_the_one_checked_here():
    assert build.XLWINGS_CONF["UDF Modules"][0] == "cims_xl.excel.udfs"


def test_vba_sources_are_plain_ascii():
    # The VBA project is stored in code page 1252; ASCII keeps every editor and Excel
    # locale in agreement about the bytes.
    for path in build.VBA_DIR.glob("*.bas"):
        path.read_bytes().decode("ascii")

