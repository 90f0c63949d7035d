"""A report filter that matches nothing in the store is refused, never an empty report
that looks like no business (prob24): `--owner nosuch` names the users whose names are
close; `--region nowhere` names the regions in the store; a region written as a country's
name matches the rows that write its code (and the other way round), as the importer
reads countries (CLDR names, ISO 3166 codes)."""

from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.errors import ValidationFailed
from cims_xl.reports import build_for_session
from cims_xl.reports.compute import PIPELINE, SALES
from cims_xl.services import auth, records

from conftest import FAST_KDF, USER_PASSWORD

AS_OF = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)


@pytest.fixture
def shop(admin):
    auth.add_user(admin, "mei.chen", "sales", USER_PASSWORD, kdf=FAST_KDF)
    auth.add_user(admin, "lars", "sales", USER_PASSWORD, kdf=FAST_KDF)
    rows = [("Acme Inc", "US", "mei.chen", "US", "100"), ("Müller GmbH", "DE", "lars", None, "300"),
            ("王芳", "CN", "mei.chen", "华南", "40"), ("Bolt LLC", "United States", None, "USA", "7")]
    for name, country, owner, region, amount in rows:
        cid = records.create(admin, "customer", {k: v for k, v in
                                                 {"name": name, "country": country, "owner": owner}.items() if v})["id"]
        records.create(admin, "order", {k: v for k, v in {"customer_id": cid, "order_date": "2026-02-03",
                                                          "amount": amount, "currency": "CNY",
                                                          "region": region}.items() if v})
    return admin


def _sales(session, **kw) -> list:
    return build_for_session(session, as_of=AS_OF, **kw)[SALES].table("tblSalesByYear").data["Sales"].tolist()


@pytest.mark.parametrize("owner, close", [("nosuch", None), ("mei.chan", "mei.chen"), ("Lras", "lars")])
def test_an_owner_that_is_no_user_is_refused_naming_close_user_names(shop, owner, close):
    with pytest.raises(ValidationFailed) as caught:
        build_for_session(shop, as_of=AS_OF, owner=owner)
    text = str(caught.value)
    assert f"no user '{owner}'" in text and "mei.chen" in text and "lars" in text
    if close:
        assert f"did you mean {close}" in text
    # not refused: a user's name in other case, and a real user who owns nothing (true)
    assert _sales(shop, owner=" LARS ") == [300]
    auth.add_user(shop, "newbie", "sales", USER_PASSWORD, kdf=FAST_KDF)
    assert _sales(shop, owner="newbie") == []


@pytest.mark.parametrize("region", ["nowhere", "Atlantis", "华北"])
def test_a_region_no_row_is_in_is_refused_naming_the_regions_in_the_store(shop, region):
    with pytest.raises(ValidationFailed) as caught:
        build_for_session(shop, as_of=AS_OF, region=region)
    text = str(caught.value)
    assert f"no orders or customers match region '{region}'" in text
    assert "Regions in the store:" in text and "US" in text and "华南" in text and "DE" in text
    assert _sales(shop, region="华南") == [40]       # a region by its text, as before


@pytest.mark.parametrize("region, total", [
    ("united states", 107), ("United States of America", 107), ("美国", 107), ("USA", 107), ("us", 107),
    ("Germany", 300), ("Deutschland", 300), ("德国", 300),
])
def test_a_region_written_as_a_country_name_or_code_matches_the_same_country(shop, region, total):
    assert _sales(shop, region=region) == [total]


def test_the_cli_exits_non_zero_and_says_why_for_a_filter_that_matches_nothing(run, shop):
    code, out, err = run("report", "--owner", "nosuch")
    assert code != 0 and "no user 'nosuch'" in (out + err)
    code, out, err = run("report", "--region", "nowhere")
    assert code != 0 and "Regions in the store:" in (out + err)
    code, out, err = run("--format", "json", "report", "--region", "united states")
    assert code == 0 and '"Region": "US"' in out


def test_the_pipeline_report_filters_by_the_same_country(shop):
    ids = {c["name"]: c["id"] for c in records.list_records(shop, "customer")}
    for name, amount in (("Bolt LLC", "50"), ("Müller GmbH", "900")):
        records.create(shop, "opportunity", {"customer_id": ids[name], "name": f"Deal {name}",
                                             "stage": "Negotiation", "amount": amount})
    pipe = build_for_session(shop, as_of=AS_OF, region="United States")[PIPELINE]
    table = pipe.table("tblPipelineByStage")
    assert table.data["Amount"].sum() == 50
