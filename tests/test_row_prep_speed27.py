"""Stop 27's cuts in preparing a customer row give exactly what the full paths give: a
phone cell whose only list hint is a space skips the list rules that need a mark, and a
row's email key and whether its name is its Company's are computed once for its duplicate
keys and its facts (`customer_keys`, `customer_facts`)."""

from __future__ import annotations

import csv
import re

from hypothesis import HealthCheck, given, settings, strategies as st

from cims_xl.importer import import_file, plan

_HEADERS = ["Name", "Company", "Email", "Phone", "Mobile", "City", "Notes"]


def _planner(tmp_path, session, monkeypatch, name: str):
    """The planner a real import of a small customers file makes (its mapping, options and
    context decided by the file), caught as it prepares the file's rows."""
    path = tmp_path / f"{name}.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(_HEADERS)
        for i in range(30):
            w.writerow([f"Person {i}", f"Firm {i % 5} Ltd", f"p{i}@example.com", f"139{i:08d}", f"138{i:08d}",
                        "Beijing", "note"])
    seen = []
    prepare = plan.Planner.prepare_customers

    def spy(self, rows):
        seen.append(self)
        return prepare(self, rows)

    with monkeypatch.context() as m:
        m.setattr(plan.Planner, "prepare_customers", spy)
        import_file(session, path, kind="customers", dry_run=True)
    return seen[0]


class _Refused:
    """A regular expression that must not be asked."""

    def __getattr__(self, name):
        raise AssertionError(f"the list rules were tried ({name})")


def test_a_phone_cell_spaced_but_listing_nothing_is_read_without_the_list_rules(tmp_path, admin, monkeypatch):
    prep = _planner(tmp_path, admin, monkeypatch, "spaced").prep
    phones = ["030 1234567", "(415) 555-0132", "+49 30 1234567", "01 23 45 67 89", " 020 7946 0958 ",
              "+86 139 1234 5678"]
    with monkeypatch.context() as m:
        m.setattr(plan, "_SEVERAL_PHONES", _Refused())
        m.setattr(plan, "_ALTERNATIVE_ENDING", _Refused())
        for phone in phones:
            data, extra = prep.raw(["Ann Lee", "Acme Ltd", "ann@example.com", phone, "", "Berlin", ""])
            assert data["phone"] == phone and extra == []
    # two whole numbers with only spaces between are still two (the full path, the second to Notes)
    data, extra = prep.raw(["Ann Lee", "Acme Ltd", "ann@example.com", "13800138000 13900139000", "", "", ""])
    assert data["phone"] == "13800138000" and extra == ["Phone: 13900139000"]


_PHONE_PIECES = ["030", "1234567", "(415)", "555-0132", "+49", "13800138000", "139 1234 5678", "/", " / ", "/8",
                 ";", ",", "|", "、", "，", "；", "\n", "<", "x12", "ext. 7", "FAX", "TEL", " ", "  ", "\t", "\u3000",
                 "\u00a0", "0", "12"]
_PHONE = (st.lists(st.sampled_from(_PHONE_PIECES), min_size=1, max_size=6).map("".join)
          # digit runs around the spaced rule's bound (7 digits each), spaces and tabs between
          | st.lists(st.text("0123456789", min_size=1, max_size=12), min_size=1, max_size=4).flatmap(
              lambda runs: st.sampled_from([" ", "  ", "\t", "\u3000", " - "]).map(lambda gap: gap.join(runs)))
          ).filter(str.strip)


def test_phone_cells_of_every_shape_give_the_full_paths_answer(tmp_path, admin, monkeypatch):
    fast = _planner(tmp_path, admin, monkeypatch, "fast").prep
    full = _planner(tmp_path, admin, monkeypatch, "full").prep
    always = re.compile("")         # every cell taken for one with a list mark: the whole way

    @settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_PHONE, _PHONE)
    def check(phone, mobile):
        row = ["Ann Lee", "Acme Ltd", "ann@example.com", phone, mobile, "Berlin", ""]
        got = fast.raw(list(row))
        with monkeypatch.context() as m:
            m.setattr(plan, "_LIST_MARK_RX", always)
            want = full.raw(list(row))
        assert got == want
        assert fast.several == full.several and fast.context == full.context

    check()


def test_a_rows_email_key_and_company_test_are_computed_once_for_its_keys_and_facts(tmp_path, admin, monkeypatch):
    planner = _planner(tmp_path, admin, monkeypatch, "keys")
    rows = [("Ann Lee", "Acme Ltd", "Ann.Lee+shop@Gmail.com"), ("Acme Ltd", "ACME Limited", "info@acme.example"),
            ("Mrs. Fields Cookies", "MRS FIELDS COOKIES", ""), ("王伟", "", "wang@xn--fsqu00a.xn--fiqs8s"),
            ("黄志明", "上海华信有限公司", "h@example.cn"), ("Bob", "", ""), ("Acme GmbH", "", "a@b.de")]
    values = [(n + 2, [name, company, email, f"139{n:08d}", "", "Berlin", ""])
              for n, (name, company, email) in enumerate(rows)]
    calls = {"email_key": 0, "is_its_company": 0}

    def counted(name):
        real = getattr(plan, name)

        def count(*args):
            calls[name] += 1
            return real(*args)
        return count

    with monkeypatch.context() as m:
        for name in calls:
            m.setattr(plan, name, counted(name))
        out = planner.prepare_customers(values)
    clean = [o for o in out if o[1] is not None]
    assert len(clean) == len(rows)
    assert calls == {"email_key": len(rows), "is_its_company": len(rows)}
    for _number, values_, _problems, keys, facts in clean:
        # the same keys and facts as the functions give on their own
        assert keys == plan.customer_keys(values_)
        assert facts == plan.customer_facts(values_)
