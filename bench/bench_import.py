"""Benchmark: importing a generated customer workbook vs the floor, in the same run.

    python bench/bench_import.py                 # 100,000 rows: import time / floor time
    python bench/bench_import.py --rows 1000000  # also shows peak memory stays flat

The floor is what any import has to pay: python-calamine reading the file plus a bare
`executemany` of the rows into an unkeyed sqlcipher3 database. The import is the real
thing: `cims_xl.importer.import_file` with validation, normalisation, the duplicate
check against file and store, encryption and the audit trail, in one transaction.
Each side runs in a fresh child process so that its peak RSS is its own.

The workbook is written the way Excel writes one (shared strings, one sheet, a header
row), with about 1% of rows repeating an earlier customer's email or phone so that
the duplicate check has something to find.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HEADERS = ["Name", "Company", "Email", "Phone", "Mobile", "Address", "City", "Province",
           "Postal Code", "Segment"]
# The second file: what files from other systems look like (issue 14). Phones in the
# national formats of several countries with a Country column (names in English and
# Chinese, ISO codes), Chinese mobiles with and without +86, amounts with thousands
# separators, dates written in several ways.
VARIETY_HEADERS = ["Name", "Company", "Email", "Phone", "Mobile", "City", "Postal Code", "Country",
                   "Consent Date", "Lifetime Value"]
_COUNTRIES = [  # (names the file may use, national phone format, postal code)
    (["United States", "US", "美国"], lambda r: f"({r.randint(201, 989)}) 555-{r.randint(100, 199):04d}",
     lambda r: f"{r.randint(10000, 99999)}"),
    (["United Kingdom", "GB", "英国"], lambda r: f"020 7946 {r.randint(0, 999):04d}", lambda r: "SW1A 1AA"),
    (["Germany", "DE", "Deutschland"], lambda r: f"030 {r.randint(1000000, 9999999)}",
     lambda r: f"{r.randint(10000, 99999)}"),
    (["France", "FR"], lambda r: f"01 {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)} "
     f"{r.randint(10, 99)}", lambda r: f"{r.randint(10000, 99999)}"),
    (["China", "CN", "中国"], lambda r: f"{r.choice(_AREA_CODES)}-{r.randint(2000_0000, 8999_9999)}",
     lambda r: f"{r.randint(100000, 899999)}"),
]

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"
_CITIES = [("上海", "上海", "200"), ("北京", "北京", "100"), ("广州", "广东", "510"),
           ("深圳", "广东", "518"), ("杭州", "浙江", "310"), ("南京", "江苏", "210"),
           ("成都", "四川", "610"), ("武汉", "湖北", "430"), ("西安", "陕西", "710"),
           ("沈阳", "辽宁", "110"), ("天津", "天津", "300"), ("重庆", "重庆", "400")]
_SEGMENTS = ["Consumer", "Corporate", "Home Office", "Small Business"]
_STREETS = ["人民路", "解放路", "中山路", "建设路", "和平路", "新华路", "胜利路", "长江路"]
_AREA_CODES = ["010", "021", "020", "022", "023", "024", "025", "027", "028", "029"]
_DOMAINS = ["example.com", "example.cn", "mail.example.org", "corp.example.net"]


# ----- generating the workbook ---------------------------------------------------------

def _rows(n: int, seed: int):
    rnd = random.Random(seed)
    recent: list[tuple[str, str]] = []
    for i in range(n):
        name = rnd.choice(_SURNAMES) + rnd.choice(_GIVEN) + rnd.choice(["", rnd.choice(_GIVEN)])
        company = f"{rnd.choice(_CITIES)[0]}{rnd.choice(['恒通', '华信', '永安', '东方', '新世纪', '天成'])}{i % 9973}有限公司"
        email = f"user{i:07d}@{rnd.choice(_DOMAINS)}"
        # mainland mobile ranges that exist (130, 150, 170, 180, 190…: phonenumbers'
        # metadata); 140… and 160… are no range, and are refused since stop 17
        mobile = f"1{rnd.choice('35789')}{i:09d}"
        phone = f"{rnd.choice(_AREA_CODES)}-{rnd.randint(2000_0000, 8999_9999)}"
        if recent and rnd.random() < 0.01:      # a repeated customer, written differently
            old_email, old_mobile, name = rnd.choice(recent)
            if rnd.random() < 0.5:
                email = "  " + old_email.upper() + " "
            else:
                mobile = f"+86 {old_mobile[:3]} {old_mobile[3:7]} {old_mobile[7:]}"
        elif len(recent) < 1000:
            recent.append((email, mobile, name))
        city, province, zip_prefix = rnd.choice(_CITIES)
        yield [name, company, email, phone, mobile,
               f"{rnd.choice(_STREETS)}{rnd.randint(1, 999)}号", city, province,
               f"{zip_prefix}{rnd.randint(0, 999):03d}", rnd.choice(_SEGMENTS)]


def _variety_rows(n: int, seed: int):
    rnd = random.Random(seed)
    for i, base in enumerate(_rows(n, seed)):
        names, phone, postal = _COUNTRIES[i % 5] if i % 2 else _COUNTRIES[4]
        mobile = base[4]
        if not mobile.startswith("+") and (names is not _COUNTRIES[4][0] or i % 4 == 0):
            # a Chinese mobile of a customer abroad, or written the international way
            mobile = f"+86 {mobile[:3]} {mobile[3:7]} {mobile[7:]}"
        day = 1 + i % 28
        month = 1 + i % 12
        date = [f"2024-{month:02d}-{day:02d}", f"2023年{month}月{day}日", f"{day:02d}.{month:02d}.2022"][i % 3]
        if i % 3 == 2 and day <= 12:
            date = f"2022-{month:02d}-{day:02d}"      # keep the day-first values decidable
        value = f"{rnd.randint(0, 999)},{rnd.randint(0, 999):03d}.{rnd.randint(0, 99):02d}"
        yield [base[0], base[1], base[2], phone(rnd), mobile, base[6], postal(rnd),
               rnd.choice(names), date, value]


def _col(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def generate_xlsx(path: Path, rows: int, seed: int = 7, variety: bool = False) -> Path:
    """Write `rows` customers (+ header) as an Excel-style .xlsx with shared strings."""
    path = Path(path)
    headers = VARIETY_HEADERS if variety else HEADERS
    source = _variety_rows(rows, seed) if variety else _rows(rows, seed)
    strings: dict[str, int] = {}

    def sid(text: str) -> int:
        idx = strings.get(text)
        if idx is None:
            idx = strings[text] = len(strings)
        return idx

    cols = [_col(i) for i in range(len(headers))]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    b'<sheetData>')
            buf = []
            for r, values in enumerate([headers, *source], start=1):
                cells = "".join(f'<c r="{c}{r}" t="s"><v>{sid(v)}</v></c>' for c, v in zip(cols, values))
                buf.append(f'<row r="{r}">{cells}</row>')
                if len(buf) >= 2000:
                    f.write("".join(buf).encode())
                    buf.clear()
            f.write("".join(buf).encode())
            f.write(b"</sheetData></worksheet>")
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                    f'count="{len(strings)}" uniqueCount="{len(strings)}">'.encode())
            buf = []
            for text in strings:
                buf.append(f"<si><t>{escape(text)}</t></si>")
                if len(buf) >= 5000:
                    f.write("".join(buf).encode())
                    buf.clear()
            f.write("".join(buf).encode())
            f.write(b"</sst>")
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                   '<sheets><sheet name="Customers" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                   '</Relationships>')
    return path


# ----- the two sides, each run in its own child process ---------------------------------

def _cpu_seconds() -> float:
    """CPU time (user + system) of this process's threads and of its reaped children
    (the import's forked worker), in seconds."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _peak_rss_mb() -> float:
    # VmHWM belongs to this process's own memory map. ru_maxrss is not good enough on
    # Linux: it keeps the high-water mark of the parent it was forked from across exec.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 if sys.platform != "darwin" else 1024 ** 2)


def floor_side(path: Path, workdir: Path) -> dict:
    """python-calamine read + bare executemany into an unkeyed sqlcipher3 database."""
    import python_calamine
    import sqlcipher3

    t0 = time.perf_counter()
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = wb.get_sheet_by_index(0).to_python()
    t_read = time.perf_counter() - t0
    db = workdir / "floor.db"
    if db.exists():
        db.unlink()
    conn = sqlcipher3.connect(str(db))
    width = len(rows[0])
    cols = ", ".join(f"c{i} TEXT" for i in range(width))
    conn.execute(f"CREATE TABLE t ({cols})")
    conn.executemany(f"INSERT INTO t VALUES ({', '.join('?' * width)})", rows[1:])
    conn.commit()
    conn.close()
    total = time.perf_counter() - t0
    return {"seconds": total, "read_seconds": t_read, "rows": len(rows) - 1, "peak_rss_mb": _peak_rss_mb()}


def generate_orders_csv(path: Path, rows: int, seed: int = 11) -> Path:
    """Write `rows` order lines (+ header) as a UTF-8 CSV whose amounts carry a currency
    symbol and thousands separators the way US exports write them ("$12,345.67"), a few
    customers ordering many times (issue 15)."""
    import csv
    rnd = random.Random(seed)
    customers = [f"Customer {i:05d}" for i in range(max(1, rows // 20))]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Order ID", "Order Date", "Customer Name", "Sales"])
        for i in range(rows):
            w.writerow([f"US-{i:07d}", f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", rnd.choice(customers),
                        f"${rnd.randint(0, 99)},{rnd.randint(0, 999):03d}.{rnd.randint(0, 99):02d}"])
    return path


def import_side(path: Path, workdir: Path, stream: bool = False) -> dict:
    """The real import into a fresh encrypted store (validation, dedupe, audit, one transaction)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from cims_xl.importer import import_file, readers
    if stream:   # compare memory at 100k and 1M rows on the same (streaming) reader
        readers.STREAM_THRESHOLD = 0
    from cims_xl.services import auth

    store = workdir / "bench.cims"
    for suffix in ("", "-wal", "-shm", ".keys", ".slots"):
        p = Path(str(store) + suffix)
        if p.exists():
            p.unlink()
    for p in workdir.glob("bench.cims*"):
        p.unlink()
    password = "Bench-Import-Password-42"
    auth.init_store(store, "admin", password, kdf={"name": "scrypt", "n": 2**10, "r": 8, "p": 1})
    session = auth.sign_in(store, "admin", password)
    base_rss = _peak_rss_mb()
    cpu0 = _cpu_seconds()
    t0 = time.perf_counter()
    result = import_file(session, path, kind="orders" if path.suffix == ".csv" else "customers")
    seconds = time.perf_counter() - t0
    cpu = _cpu_seconds() - cpu0
    peak = _peak_rss_mb()
    # the forked worker that prepared rows (importer.parallel), reaped by now; its RSS
    # counts the pages it shares with this process too
    worker_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    from cims_xl.services import batches
    t0 = time.perf_counter()
    batches.undo_batch(session, result.batch)
    undo_seconds = time.perf_counter() - t0
    session.close()
    d = result.as_dict()
    return {"seconds": seconds, "rows": d["rows"], "created": d["created"],
            "duplicates": d["duplicates"], "rejected": d["rejected"], "batch": d["batch"],
            "peak_rss_mb": peak, "rss_before_import_mb": base_rss, "undo_seconds": undo_seconds,
            "worker_peak_rss_mb": worker_rss, "cpu_seconds": cpu}


STORE_FIELDS = {"Name": "name", "Company": "company", "Email": "email", "Phone": "phone",
                "Mobile": "mobile", "Address": "address", "City": "city", "Province": "province",
                "Postal Code": "postal_code", "Segment": "segment", "Country": "country",
                "Consent Date": "marketing_consent_at", "Lifetime Value": "notes"}


def _store_and_valid_rows(path: Path, workdir: Path, name: str):
    """(a signed-in session on a fresh encrypted store `name`, the file's rows as valid
    customer values: field -> value, dates already parsed). Not timed by either side."""
    import python_calamine
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from cims_xl.domain.normalize import parse_date
    from cims_xl.domain.schema import CUSTOMER
    from cims_xl.services import auth

    store_path = workdir / name
    for p in workdir.glob(name + "*"):
        p.unlink()
    password = "Bench-Import-Password-42"
    auth.init_store(store_path, "admin", password, kdf={"name": "scrypt", "n": 2**10, "r": 8, "p": 1})
    session = auth.sign_in(store_path, "admin", password)
    header, *rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    keys = [STORE_FIELDS[h] for h in header]
    if "marketing_consent_at" in keys:     # valid values, as the store takes them
        at = keys.index("marketing_consent_at")
        rows = [r[:at] + [parse_date(r[at], "DMY")] + r[at + 1:] for r in rows]
    blank = {f.key: None for f in CUSTOMER.fields}
    values = [{**blank, **dict(zip(keys, r)), "type": "Person", "owner": "admin", "source": "Import"}
              for r in rows]
    return session, values


def store_side(path: Path, workdir: Path) -> dict:
    """What the store alone costs: the file's rows, taken as already valid, written by
    the store's own bulk insert into a fresh encrypted store (the real schema: its
    indexes and search index), in one transaction. Reading the file and building the
    record dicts are not timed; no validation, duplicate check or audit is done."""
    import datetime as dt

    from cims_xl.domain.schema import CUSTOMER

    session, values = _store_and_valid_rows(path, workdir, "store-only.cims")
    now = dt.datetime.now(dt.timezone.utc)
    meta = {"created_at": now, "created_by": "admin", "updated_at": now, "updated_by": "admin",
            "version": 1, "deleted_at": None, "deleted_by": None, "batch_id": None}
    records = [{**v, **meta, "id": f"C-{i:06d}"} for i, v in enumerate(values, 1)]
    store = session.store
    cpu0 = _cpu_seconds()
    t0 = time.perf_counter()
    store.begin()
    for i in range(0, len(records), 5000):
        store.insert_records(CUSTOMER, records[i:i + 5000])
    store.commit()
    seconds = time.perf_counter() - t0
    cpu = _cpu_seconds() - cpu0
    session.close()
    return {"seconds": seconds, "rows": len(records), "cpu_seconds": cpu}


def store_audited_side(path: Path, workdir: Path) -> dict:
    """The same rows, taken as valid, written the way the store writes any rows:
    the private route of cims's own writers of rows they validated (`records._service_create_many(
    validated=True)`, the import's), i.e. the bulk insert above plus each chunk's signed
    audit entry (a write without one fails `cims audit verify`). No reading, validation,
    inference or duplicate check (the public `create_many` validates every row)."""
    session, values = _store_and_valid_rows(path, workdir, "store-audited.cims")
    from cims_xl.services import records as records_service

    t0 = time.perf_counter()
    records_service._service_create_many(session, "customer", values, token=records_service._SERVICE,
                                         validated=True)
    seconds = time.perf_counter() - t0
    session.close()
    return {"seconds": seconds, "rows": len(values)}


def _child(side: str, path: Path, workdir: Path, stream: bool = False) -> dict:
    out = subprocess.run([sys.executable, __file__, "--side", side, "--file", str(path),
                          "--workdir", str(workdir)] + (["--stream"] if stream else []),
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{side} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--workdir", type=Path, default=None, help="where the workbook and stores go")
    ap.add_argument("--side", choices=("floor", "import", "store", "store_audited"), help=argparse.SUPPRESS)
    ap.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--skip-floor", action="store_true", help="only run the import")
    ap.add_argument("--stream", action="store_true",
                    help="read with the streaming reader whatever the size (to compare memory)")
    args = ap.parse_args(argv)

    if args.side:
        if args.side == "floor":
            print(json.dumps(floor_side(args.file, args.workdir)))
        elif args.side == "store":
            print(json.dumps(store_side(args.file, args.workdir)))
        elif args.side == "store_audited":
            print(json.dumps(store_audited_side(args.file, args.workdir)))
        else:
            print(json.dumps(import_side(args.file, args.workdir, args.stream)))
        return

    workdir = args.workdir or Path(tempfile.gettempdir()) / "cims-bench-import"
    workdir.mkdir(parents=True, exist_ok=True)
    for variety in (False, True):
        _run_one(args, workdir, variety)
    _run_orders(args, workdir)


def _run_orders(args, workdir: Path) -> None:
    """The third case: orders whose amounts are written "$12,345.67" (import time only:
    the store side above is for customer files)."""
    rows = min(args.rows, 20_000)
    path = workdir / f"orders_currency_{rows}.csv"
    if not path.exists():
        generate_orders_csv(path, rows)
    print(f"== orders file ({rows:,} lines, amounts written like $12,345.67)")
    imp = _child("import", path, workdir)
    print(f"rows: {imp['rows']:,}  created {imp['created']:,}  duplicates {imp['duplicates']:,}  "
          f"rejected {imp['rejected']:,}  batch {imp['batch']}")
    print(f"IMPORT orders with currency symbols: {imp['seconds']:.2f} s")


def _run_one(args, workdir: Path, variety: bool) -> None:
    name = "variety" if variety else "customers"
    path = workdir / f"{name}_{args.rows}.xlsx"
    if not path.exists():
        t = time.perf_counter()
        generate_xlsx(path, args.rows, variety=variety)
        print(f"generated {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s")
    print(f"== {name} file" + (" (phones of several countries with a Country column, +86 and not, "
                               "amounts with separators, dates written three ways)" if variety else ""))
    floor = None if args.skip_floor else _child("floor", path, workdir)
    store = None if args.skip_floor else _child("store", path, workdir)
    audited = None if args.skip_floor else _child("store_audited", path, workdir)
    imp = _child("import", path, workdir, args.stream)
    print(f"rows: {imp['rows']:,}  created {imp['created']:,}  duplicates {imp['duplicates']:,}  "
          f"rejected {imp['rejected']:,}  batch {imp['batch']}")
    if floor:
        print(f"floor  (calamine read {floor['read_seconds']:.2f} s + executemany): {floor['seconds']:.2f} s, "
              f"peak RSS {floor['peak_rss_mb']:.0f} MB")
    print(f"import (validate, normalise, dedupe, encrypt, audit): {imp['seconds']:.2f} s, "
          f"peak RSS {imp['peak_rss_mb']:.0f} MB (before import {imp['rss_before_import_mb']:.0f} MB)"
          + (f"; the forked worker preparing rows: peak RSS {imp['worker_peak_rss_mb']:.0f} MB, "
             "most of it pages shared with the import" if imp.get("worker_peak_rss_mb") else ""))
    if floor:
        print(f"ratio import / floor: {imp['seconds'] / floor['seconds']:.2f}")
    print(f"undo of that import (every created row removed, each with its audit entry): "
          f"{imp['undo_seconds']:.2f} s")
    if floor and store:
        print(f"the store alone writing the same rows, taken as valid (encrypted, indexed, "
              f"no validation or audit): {store['seconds']:.2f} s = {store['seconds'] / floor['seconds']:.2f} x floor")
        print(f"RATIO import / store's own bulk write ({name}): {imp['seconds'] / store['seconds']:.2f}")
        # What bounds the wall time: CPU work over the cores this machine has.
        cores = os.cpu_count() or 1
        print(f"CPU: import {imp['cpu_seconds']:.2f} core-s (its forked worker included), store's bulk "
              f"write {store['cpu_seconds']:.2f} core-s; on {cores} cores the import needs at least "
              f"{imp['cpu_seconds'] / cores:.2f} s = {imp['cpu_seconds'] / cores / store['seconds']:.2f} x "
              "the store's bulk write")
    if audited:
        print(f"the store writing the same rows as every write is made (create_many: the bulk insert "
              f"plus signed audit entries, no validation): {audited['seconds']:.2f} s")
        print(f"RATIO import / store's audited bulk write ({name}): {imp['seconds'] / audited['seconds']:.2f}")


if __name__ == "__main__":
    main()
