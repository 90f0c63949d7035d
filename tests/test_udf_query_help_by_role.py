"""The filters a worksheet function's refusal suggests are the ones the signed-in role may
use: a viewer (who may not search by tag: tags may name a person) is never told to try
`tag:`; roles that read personal data still are. Each suggested filter then works."""

from __future__ import annotations

import re

import pytest
from conftest import FAST_KDF, USER_PASSWORD

from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import auth, records


@pytest.fixture
def shop(admin):
    records.create(admin, "customer", {"name": "张伟", "city": "深圳", "segment": "VIP", "tags": "wholesale",
                                       "country": "CN", "source": "Referral", "owner": "admin"})
    records.create(admin, "customer", {"name": "Ruby Taylor", "city": "Singapore", "country": "SG"})
    return admin


def _signed_in(admin, role):
    name = f"{role}1"
    auth.add_user(admin, name, role, USER_PASSWORD, kdf=FAST_KDF)
    return auth.sign_in(admin.store_path, name, USER_PASSWORD)


def _suggested(answer) -> list[str]:
    assert isinstance(answer, str) and answer.startswith("#CIMS: ") and "no filter" in answer, answer
    return re.findall(r"(\w+):", answer.split("(use ", 1)[1])


@pytest.mark.parametrize("query", ["name:张*", "tags:wholesale", "标签:x", "Tg:vip"])
def test_a_viewer_is_never_offered_the_tag_filter_other_roles_are_and_every_filter_offered_works(shop, query):
    viewer = _signed_in(shop, "viewer")
    for fn in (wf.cims_count, wf.cims_find):
        offered = _suggested(fn(query, session=viewer))
        assert "tag" not in offered and {"city", "segment", "owner"} <= set(offered), offered
    examples = {"city": "深圳", "province": "广东", "country": "CN", "segment": "VIP", "owner": "admin",
                "source": "Referral"}
    for key in _suggested(wf.cims_count(query, session=viewer)):
        answer = wf.cims_count(f"{key}:{examples[key]}", session=viewer)
        assert not (isinstance(answer, str) and answer.startswith("#CIMS")), (key, answer)
    viewer.close()
    # a role that reads personal data is still offered tag:, and it works for them
    for role in ("manager", "sales", "support"):
        session = _signed_in(shop, role)
        assert "tag" in _suggested(wf.cims_count(query, session=session))
        assert wf.cims_count("tag:wholesale", session=session) == 1
        session.close()

