"""LibreOffice, a second independent reader, opens the built workbook and prints it.

openpyxl reading back what openpyxl wrote proves little about the package itself;
LibreOffice parses the zip, content types, tables, validations and VBA storage on its
own. Skipped, visibly, only where LibreOffice is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from cims_xl.excel import build

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
TIMEOUT = 180  # seconds; a first start with a fresh profile takes a few

pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed: the built workbook was "
                            "not opened by a second reader (CI installs libreoffice-calc-nogui)")


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("libreoffice")
    workbook = build.build_workbook(work / "cims.xlsm")
    out = work / "out"
    # A private profile per run: parallel or leftover soffice processes cannot collide.
    profile = (work / "profile").as_uri()
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), str(workbook)],
        capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, f"soffice failed ({done.returncode}): {done.stderr}"
    result = out / "cims.pdf"
    # soffice reports a file it could not load on stderr and still exits 0.
    assert result.exists(), f"no PDF written; soffice said: {done.stdout} {done.stderr}"
    return result


def test_libreoffice_converts_the_built_workbook_to_pdf(pdf):
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 10_000


@pytest.mark.skipif(shutil.which("pdftotext") is None,
                    reason="pdftotext (poppler-utils) is not installed: PDF text not checked")
def test_the_pdf_shows_the_home_sheet_and_the_customer_table_header(pdf):
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, timeout=60, check=True).stdout
    assert "CIMS - customer information" in text
    for header in ("Postal Code", "RFM Segment"):  # only on Customers, and wide enough not to wrap
        assert header in text
    assert "_fingerprint" not in text, "hidden columns must not print"


def test_libreoffice_reads_the_exact_text_of_an_export_with_escaped_characters(tmp_path):
    # A literal "_x0041_" and a CR are written the way Excel writes them; a second
    # reader must see the text the customer record holds, not "A" or a lost CR.
    import csv

    from cims_xl.excel.safe import write_rows_xlsx

    texts = ["Ann_x0041_", "two\rlines", "bell\x07x", "=1+1"]
    book = tmp_path / "export.xlsx"
    write_rows_xlsx(book, {"Data": [{"Text": t} for t in texts]})
    profile = (tmp_path / "profile").as_uri()
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path), str(book)],
        capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    with open(tmp_path / "export.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert [r[0] for r in rows] == ["Text"] + texts


def _through_libreoffice(book: Path, work: Path) -> Path:
    """`book` opened and saved by LibreOffice as .xlsm with its VBA kept (what a user who
    opens the workbook in Calc and saves it gets)."""
    out = work / "saved"
    profile = (work / "profile").as_uri()
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "xlsm:Calc MS Excel 2007 VBA XML", "--outdir", str(out), str(book)],
        capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    saved = out / book.name
    assert saved.exists(), f"LibreOffice wrote nothing: {done.stdout} {done.stderr}"
    return saved


def test_a_workbook_saved_by_libreoffice_passes_the_trust_check_and_saves(run, admin, tmp_path):
    import zipfile

    from cims_xl.excel.trust import vba_modules_of
    from cims_xl.services import records

    records.create(admin, "customer", {"name": "Tiago Gonçalves", "city": "Porto"})
    book = build.build_workbook(tmp_path / "cims.xlsm")
    assert run("sync", str(book), "refresh")[0] == 0
    saved = _through_libreoffice(book, tmp_path)
    with zipfile.ZipFile(saved) as z:     # LibreOffice did rewrite the project, not keep its bytes
        assert "LibreOffice" in z.read("docProps/app.xml").decode()
        modules = vba_modules_of(z.read("xl/vbaProject.bin"))
    assert modules["Dictionary"] != dict((n, s) for _k, n, s in build.vba_modules(0))["Dictionary"]
    code, out, err = run("workbook", "check", str(saved))
    assert code == 0, err
    code, _out, err = run("sync", str(saved), "save")
    assert code == 0, err
    assert run("workbook", "check", str(saved))[0] == 0


def test_a_real_code_change_in_a_libreoffice_saved_workbook_is_still_refused_naming_libreoffice(run, tmp_path):
    import zipfile

    from cims_xl.excel.trust import vba_modules_of

    book = build.build_workbook(tmp_path / "cims.xlsm")
    saved = _through_libreoffice(book, tmp_path)
    with zipfile.ZipFile(saved) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    sheets = sum(1 for n in vba_modules_of(parts["xl/vbaProject.bin"]) if n.startswith("Sheet"))
    modules = [(k, n, s.replace("Option Explicit", "Option Explicit\r\nPrivate Sub Class_Initialize()\r\n"
                                "    Shell \"calc\"\r\nEnd Sub", 1) if n == "Dictionary" else s)
               for k, n, s in build.vba_modules(sheets)]
    parts["xl/vbaProject.bin"] = build.vba_project_bin(modules)
    with zipfile.ZipFile(saved, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    code, _out, err = run("workbook", "check", str(saved))
    assert code == 14
    assert "VBA module Dictionary differs from the one cims ships (saved by LibreOffice?)" in " ".join(err.split())
