"""GDPR erase removes every personal value of the person from free text: addresses and
phone numbers as well as names and emails, in the person's own records and in every
other record that mentions them; and leaves no identifier on the erased customer.

Each test searches every value of every table of the encrypted store (records, the
audit trail, the search index) and of its backup for what must be gone.
"""

from __future__ import annotations

import pytest

from cims_xl.services import audit_log, backup, gdpr, records
from test_gdpr_erase import _backup_values, _values_of


def _gone(text: str, secrets: list[str], where: str) -> None:
    for secret in secrets:
        assert secret.casefold() not in text.casefold(), f"{secret!r} is still in {where}"


SHAPES = [
    pytest.param(
        {"name": "王小明", "email": "wangxm@hengtong.cn", "phone": "+86 138 0013 8000",
         "address": "北京市朝阳区建国路88号", "city": "北京", "type": "Person"},
        "deliver to 王小明, 朝阳区建国路88号",
        ["call 138-0013-8000 before six", "回电 13800138000", "ring 0086 138.0013.8000 first"],
        ["朝阳区建国路88号", "建国路88号", "13800138000", "138-0013-8000", "138 0013 8000", "138.0013.8000"],
        id="chinese"),
    pytest.param(
        {"name": "Léa Dubois", "email": "lea@dubois.fr", "phone": "+33 6 12 34 56 78",
         "address": "Appartement 4\n12 rue de la Paix\n75002 Paris", "city": "Paris", "country": "FR"},
        "livrer à Léa Dubois, 12 Rue de la Paix",
        ["rappeler le 06 12 34 56 78", "mobile +33 (0)6-12-34-56-78", "tel 0612345678"],
        ["rue de la Paix", "Appartement 4", "06 12 34 56 78", "6-12-34-56-78", "0612345678"],
        id="french"),
]


@pytest.mark.parametrize("person, note, subjects, secrets", SHAPES)
def test_free_text_loses_the_persons_address_and_phone_in_any_written_form(
        admin, store_path, person, note, subjects, secrets):
    c = records.create(admin, "customer", person)
    order = records.create(admin, "order", {"customer_id": c["id"], "order_date": "2024-05-01", "amount": "120.00",
                                            "product": "Batch 1380013800 of 61234567", "notes": note})
    tickets = [records.create(admin, "ticket", {"customer_id": c["id"], "subject": s}) for s in subjects]
    made = backup.backup(admin)

    gdpr.erase_customer(admin, c["id"])

    admin.store.checkpoint()
    _gone(_values_of(store_path, admin.data_key), secrets, "the store")
    _gone(_backup_values(made, admin.data_key), secrets, made.name)
    after = records.get(admin, order["id"])
    assert after["notes"].endswith("[erased]") and "[erased], [erased]" in after["notes"]
    assert after["product"] == "Batch 1380013800 of 61234567"   # digits inside a longer number are not the phone
    for t in tickets:
        assert "[erased]" in records.get(admin, t["id"])["subject"]
    assert audit_log.verify(admin).ok


def test_a_contacts_phone_is_scrubbed_and_a_place_without_a_house_number_is_kept(admin, store_path):
    c = records.create(admin, "customer", {"name": "Sato Hanako", "address": "東京都港区六本木6-10-1",
                                           "city": "港区"})
    records.create(admin, "contact", {"customer_id": c["id"], "name": "Sato Kenji", "mobile": "+81 90-1234-5678"})
    i = records.create(admin, "interaction", {"customer_id": c["id"], "kind": "Call",
                                              "subject": "Kenji on 090 1234 5678 about 港区六本木6-10-1 delivery"})

    gdpr.erase_customer(admin, c["id"])

    assert records.get(admin, i["id"])["subject"] == "[erased] on [erased] about [erased] delivery"
    admin.store.checkpoint()
    _gone(_values_of(store_path, admin.data_key), ["1234 5678", "1234-5678", "六本木6-10-1"], "the store")


def test_an_address_part_without_a_house_number_is_not_a_mention():
    person = gdpr.PersonValues([], [], ["Flat 2, Baker Street 221b, London NW1 6XE"])
    scrub = gdpr._scrubber(person)
    assert scrub("London office; Baker Street 221b") == "London office; [erased]"
    assert scrub("post to London NW1 6XE") == "post to [erased]"
