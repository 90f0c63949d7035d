"""A merge keeps marketing consent as one decision, Marketing Consent with its Consent
Date (try25z: C1 without consent took C2's "no", then C3's date of a "yes": stored
no / 2024-01-01, a date that belonged to the other decision). The later dated decision
wins (a withdrawal after a yes; GDPR Art. 7(3)); an undated decision against a different
one is settled towards no consent (Art. 7(1): consent must be demonstrable); the decision
not kept is written in Notes, never dropped. A country or postal code written another way
(USA / United States, 02134 / Excel's 2134) is no difference. Real encrypted stores."""

from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.services import merge, records

D1, D2 = dt.date(2024, 1, 1), dt.date(2025, 6, 30)


def _customer(admin, name, consent=None, when=None):
    values = {"name": name}
    if consent is not None:
        values["marketing_consent"] = consent
    if when is not None:
        values["marketing_consent_at"] = when
    return records.create(admin, "customer", values)["id"]


def _pair(admin, cid):
    rec = records.get(admin, cid)
    return rec["marketing_consent"], rec["marketing_consent_at"], rec.get("notes") or ""


def test_a_chain_of_merges_never_joins_one_decision_with_the_others_date(admin):
    c1, c2 = _customer(admin, "Ann Lee"), _customer(admin, "Ann Lee 2", False)
    c3 = _customer(admin, "Ann Lee 3", True, D1)
    merge.merge_customers(admin, c1, c2)
    merge.merge_customers(admin, c1, c3)
    consent, when, notes = _pair(admin, c1)
    # an undated "no" against a dated "yes": settled towards no consent, and never with the
    # yes's date; the yes and its date are kept in Notes
    assert (consent, when) == (False, None)
    assert f"Merged from {c3}" in notes and "Marketing Consent yes" in notes and D1.isoformat() in notes


@pytest.mark.parametrize("keep, drop, kept", [
    ((True, D1), (False, D2), (False, D2)),      # a later withdrawal wins over an older yes
    ((False, D2), (True, D1), (False, D2)),      # an older yes never overrides a later no
    ((True, D2), (False, D1), (True, D2)),       # a later yes wins over an older no
    ((None, None), (True, D1), (True, D1)),      # no decision takes the other's, with its date
    ((True, None), (False, None), (False, None)),  # undated and different: no consent
    ((False, None), (True, None), (False, None)),
    ((True, None), (True, D1), (True, D1)),      # the same decision: its date is added
])
def test_the_later_dated_decision_is_kept_with_its_own_date(admin, keep, drop, kept):
    c1, c2 = _customer(admin, "Bo Yang", *keep), _customer(admin, "Bo Yang B", *drop)
    result = merge.merge_customers(admin, c1, c2)
    consent, when, notes = _pair(admin, c1)
    assert (consent, when) == kept
    if kept != drop and drop[0] is not None and kept[0] != drop[0]:
        # the retired decision not kept is in Notes, with its date when it had one
        assert "marketing_consent" in result["kept_in_notes"]
        assert f"Marketing Consent {'yes' if drop[0] else 'no'}" in notes
        if drop[1] is not None:
            assert drop[1].isoformat() in notes
    if keep[0] is not None and kept != keep:
        assert f"Before merging {c2}" in notes


@pytest.mark.parametrize("field, mine, theirs", [
    ("country", "USA", "United States"), ("country", "US", "美国"), ("country", "Deutschland", "Germany"),
    ("postal_code", "02134", "2134"),          # the leading zero Excel dropped
])
def test_the_same_country_or_postal_code_written_another_way_is_no_difference(admin, field, mine, theirs):
    c1 = records.create(admin, "customer", {"name": "Cy Twombly", field: mine})["id"]
    c2 = records.create(admin, "customer", {"name": "Cy Twombly", field: theirs})["id"]
    result = merge.merge_customers(admin, c1, c2)
    assert field not in result["kept_in_notes"] and "Merged from" not in (records.get(admin, c1).get("notes") or "")


@pytest.mark.parametrize("field, mine, theirs", [("country", "USA", "Canada"), ("postal_code", "02134", "2135")])
def test_a_different_country_or_postal_code_is_still_kept_in_notes(admin, field, mine, theirs):
    c1 = records.create(admin, "customer", {"name": "Cy Twombly", field: mine})["id"]
    c2 = records.create(admin, "customer", {"name": "Cy Twombly", field: theirs})["id"]
    assert field in merge.merge_customers(admin, c1, c2)["kept_in_notes"]
