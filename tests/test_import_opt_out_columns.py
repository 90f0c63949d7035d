"""Headings that negate consent ("Email Opt Out", "Do Not Email", "Unsubscribed",
"HasOptedOutOfEmail", "拒收营销短信", "退订", "Werbewiderspruch", "désabonné"): mapped to
Marketing Consent, by their heading or by --map, a 1 (yes, x) under them is stored as no
consent and a 0 as no decision (not opting out is no consent given: GDPR Art. 4(11)), and
the summary says so. A heading naming both ("Opt In/Out") stops, and the
--map targets "Marketing Opt-In"/"Marketing Opt-Out" settle it (importer.opt_out)."""

from __future__ import annotations

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file

from table_files import customers_by_name, said_about, write_csv, write_xlsx

WRITERS = pytest.mark.parametrize("writer, suffix", [(write_csv, "csv"), (write_xlsx, "xlsx")], ids=["csv", "xlsx"])
OPT_OUTS = ["Email Opt Out", "Do Not Email", "Unsubscribed", "HasOptedOutOfEmail", "Unsubscribed from all email",
            "Opted out", "拒收营销短信", "退订", "Werbewiderspruch", "désabonné", "Newsletter abgemeldet",
            "メール配信停止", "수신거부"]


def _customers(tmp_path, writer, suffix, heading, yes=1, no=0, head=("Name", "Email")):
    rows = [[*head, heading], ["Ann Lee", "ann@x.com", yes], ["Bob Wu", "bob@x.com", no],
            ["Cat Li", "cat@x.com", yes]]
    return writer(tmp_path / f"customers.{suffix}", rows)


def _consent(session) -> dict[str, object]:
    return {name: c["marketing_consent"] for name, c in customers_by_name(session).items()}


@WRITERS
@pytest.mark.parametrize("heading", OPT_OUTS)
def test_an_opt_out_column_given_to_marketing_consent_is_stored_inverted_and_said(
        admin, tmp_path, writer, suffix, heading):
    f = _customers(tmp_path, writer, suffix, heading)
    result = import_file(admin, f, kind="customers", mapping={heading: "Marketing Consent"})
    # 0 under an opt-out heading is no decision, never consent (GDPR Art. 4(11), 7(1))
    assert _consent(admin) == {"Ann Lee": False, "Bob Wu": None, "Cat Li": False}
    assert f"'{heading}' read inverted" in said_about(result, "opt-out column")


@pytest.mark.parametrize("heading", ["Email Opt Out", "Do Not Email", "Unsubscribed", "HasOptedOutOfEmail",
                                     "拒收营销短信", "退订", "Werbewiderspruch"])
@pytest.mark.parametrize("yes, no", [(1, 0), ("yes", "no"), ("TRUE", "FALSE"), ("x", ""), ("是", "否")])
def test_an_opt_out_column_is_recognised_without_map_and_read_inverted(admin, tmp_path, heading, yes, no):
    f = _customers(tmp_path, write_csv, "csv", heading, yes, no)
    result = import_file(admin, f, kind="customers")
    stored = _consent(admin)
    assert stored["Ann Lee"] is False and stored["Cat Li"] is False
    assert stored["Bob Wu"] is None              # not opted out: no decision, never consent
    assert "read inverted: 1 = no consent" in said_about(result, "opt-out column")


def test_words_naming_their_own_way_are_read_as_they_say_under_an_opt_out_heading(admin, tmp_path):
    f = _customers(tmp_path, write_csv, "csv", "Email Opt Out", "Opted out", "Subscribed")
    import_file(admin, f, kind="customers")
    assert _consent(admin) == {"Ann Lee": False, "Bob Wu": True, "Cat Li": False}


def test_a_do_not_call_column_stays_in_notes_unless_mapped_and_then_reads_inverted(admin, tmp_path):
    f = _customers(tmp_path, write_csv, "csv", "Do Not Call")
    import_file(admin, f, kind="customers", dry_run=True)
    result = import_file(admin, f, kind="customers")
    assert _consent(admin) == {"Ann Lee": None, "Bob Wu": None, "Cat Li": None}
    assert "Do Not Call" in (customers_by_name(admin)["Ann Lee"]["notes"] or "")
    assert not [i for i in result.inferences if i["what"] == "opt-out column"]
    rows = [["Name", "Email", "Do Not Call"], ["Dan Ho", "dan@x.com", "1"], ["Eve Ng", "eve@x.com", "0"]]
    import_file(admin, write_csv(tmp_path / "mapped.csv", rows), kind="customers",
                mapping={"Do Not Call": "Marketing Consent"})
    stored = _consent(admin)
    assert (stored["Dan Ho"], stored["Eve Ng"]) == (False, None)


@WRITERS
@pytest.mark.parametrize("heading", ["Opt In/Out", "Subscribe / Unsubscribe", "Consent (opt-out)"])
def test_a_heading_naming_both_opt_in_and_opt_out_stops_until_the_map_says_which(
        admin, tmp_path, writer, suffix, heading):
    f = _customers(tmp_path, writer, suffix, heading)
    for dry in (True, False):
        with pytest.raises(ImportRefused) as stop:
            import_file(admin, f, kind="customers", dry_run=dry, mapping={heading: "Marketing Consent"})
    said = str(stop.value)
    assert f"'{heading}'" in said and "Marketing Opt-Out" in said and "Marketing Opt-In" in said
    assert customers_by_name(admin) == {}
    import_file(admin, f, kind="customers", mapping={heading: "Marketing Opt-Out"})
    assert _consent(admin) == {"Ann Lee": False, "Bob Wu": None, "Cat Li": False}


def test_the_opt_in_target_reads_an_opt_out_heading_as_it_is_and_the_opt_out_target_any_heading_inverted(
        admin, tmp_path):
    f = _customers(tmp_path, write_csv, "csv", "Email Opt Out")
    import_file(admin, f, kind="customers", mapping={"Email Opt Out": "Marketing Opt-In"})
    assert _consent(admin) == {"Ann Lee": True, "Bob Wu": False, "Cat Li": True}
    rows = [["Name", "Email", "Flag"], ["Dan Ho", "dan@x.com", "1"], ["Eve Ng", "eve@x.com", "0"]]
    import_file(admin, write_csv(tmp_path / "flag.csv", rows), kind="customers", mapping={"Flag": "Marketing Opt-Out"})
    stored = _consent(admin)
    assert (stored["Dan Ho"], stored["Eve Ng"]) == (False, None)


def test_an_opt_in_column_beside_an_opt_out_one_is_read_as_it_is_and_the_opt_out_kept_in_notes(admin, tmp_path):
    rows = [["Name", "Email", "Accepts Marketing", "Do Not Email"], ["Ann Lee", "ann@x.com", "yes", "1"],
            ["Bob Wu", "bob@x.com", "no", "0"]]
    import_file(admin, write_csv(tmp_path / "c.csv", rows), kind="customers")
    assert _consent(admin) == {"Ann Lee": True, "Bob Wu": False}
    rows = [["Name", "Email", "Do Not Email"], ["Cat Li", "cat@x.com", "1"]]
    import_file(admin, write_csv(tmp_path / "d.csv", rows), kind="customers")
    assert _consent(admin)["Cat Li"] is False


def test_an_opt_out_date_given_to_the_consent_date_stops(admin, tmp_path):
    rows = [["Name", "Email", "Unsubscribe Date"], ["Ann Lee", "ann@x.com", "2024-03-05"]]
    f = write_csv(tmp_path / "c.csv", rows)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="customers", mapping={"Unsubscribe Date": "Consent Date"})
    assert "'Unsubscribe Date'" in str(stop.value) and "--map \"Unsubscribe Date=-\"" in str(stop.value)
    assert customers_by_name(admin) == {}
