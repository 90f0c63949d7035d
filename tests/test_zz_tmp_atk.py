import sys, time, csv
sys.path.insert(0, "tests")
from test_import_shared_phone import write_csv, stored
from cims_xl.importer import import_file
from cims_xl.services import records
L = "+44 20 7946 0000"

def test_orders(admin, tmp_path):
    import_file(admin, write_csv(tmp_path / "1.csv", [["Name","Phone"],["Alice Chen",L]]), region="GB")
    p = write_csv(tmp_path / "o.csv", [["Order ID","Order Date","Customer","Customer Phone","Product","Amount"],["1","2024-01-02","Chen, Alice",L,"x","1"],["2","2024-01-02","Bob Li",L,"y","2"],["3","2024-01-02","Wei Li","13800138000","y","2"],["4","2024-01-02","Li Wei","+86 138 0013 8000","y","2"]])
    r = import_file(admin, p, kind="orders", region="GB")
    print([o.as_dict() for o in r.outcomes], r.inferences)
    print([(c["name"], c["phone"]) for c in records.list_records(admin, "customer")])

def test_perf(admin, tmp_path):
    for label, num in [("shared", lambda i: f"+44 20 7946 {i % 3:04d}"), ("distinct", lambda i: f"+44 20 {7000 + i // 10000:04d} {i % 10000:04d}")]:
        rows = [["Name", "Phone"]] + [[f"Person {i}", num(i)] for i in range(20000)]
        p = write_csv(tmp_path / f"{label}.csv", rows)
        t = time.process_time(); t0 = time.perf_counter()
        r = import_file(admin, p, dry_run=True)
        print(label, "dry cpu", time.process_time() - t, "wall", time.perf_counter() - t0, r.created, r.duplicates, r.warnings)
        t = time.process_time(); t0 = time.perf_counter()
        r = import_file(admin, p, error_report=None)
        print(label, "real cpu", time.process_time() - t, "wall", time.perf_counter() - t0, r.created, r.duplicates, r.warnings)
