"""Normalisers on the values people really type into Excel, Chinese and English."""

from __future__ import annotations

import unicodedata

import datetime as dt
import math
from decimal import Decimal
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cims_xl.domain.normalize import (
    detect_date_order,
    is_blank,
    looks_like_phone,
    normalize_email,
    normalize_name,
    normalize_phone,
    normalize_text,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_int,
    parse_money,
    parse_money_with_currency,
)

UTC = dt.timezone.utc
BLANKS = [None, "", "   ", "\u3000", "\t\n", float("nan"), pd.NA, pd.NaT]


# ---------------------------------------------------------------------------- blank


@pytest.mark.parametrize("value", BLANKS, ids=repr)
def test_empty_cells_are_blank(value):
    assert is_blank(value) is True


@pytest.mark.parametrize("value", [0, 0.0, "0", "a", False, Decimal("0"), dt.date(2024, 1, 1)])
def test_zero_false_and_text_are_not_blank(value):
    assert is_blank(value) is False


@pytest.mark.parametrize(
    "parse",
    [normalize_phone, normalize_email, normalize_name, normalize_text, parse_date,
     parse_datetime, parse_money, parse_bool, parse_int],
    ids=lambda f: f.__name__,
)  # fmt: skip
@pytest.mark.parametrize("value", BLANKS, ids=repr)
def test_every_normaliser_returns_none_for_a_blank_cell(parse, value):
    assert parse(value) is None


def test_blank_money_has_no_currency_either():
    assert parse_money_with_currency("  ") == (None, None)


# ---------------------------------------------------------------------------- phone

CN_MOBILE = "+8613800138000"


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "138.0013.8000",
        "(138) 0013 8000",
        "+86 138 0013 8000",
        "+86-138-0013-8000",
        "+8613800138000",
        "0086 138 0013 8000",
        "008613800138000",
        "86 138 0013 8000",
        "8613800138000",
        "１３８００１３８０００",
        "＋８６ １３８ ００１３ ８０００",
        "138\u30000013\u30008000",
        " 138 0013 8000\u00a0",
        "13800138000.0",
        "tel:+86-138-0013-8000",
        "手机：138 0013 8000",
    ],
)
def test_chinese_mobile_written_with_spaces_and_plus86_becomes_e164(raw):
    assert normalize_phone(raw) == CN_MOBILE


@pytest.mark.parametrize(
    "raw", [13800138000, 13800138000.0, 8613800138000.0, Decimal("13800138000")]
)
def test_mobile_that_excel_stored_as_a_number_becomes_e164(raw):
    assert normalize_phone(raw) == CN_MOBILE


@pytest.mark.parametrize(
    "raw",
    ["138 0013 8000 x123", "138-0013-8000 ext. 12", "13800138000 ext 7", "138 0013 8000 转123",
     "13800138000分机8", "138 0013 8000 #9"],
)  # fmt: skip
def test_extension_is_dropped_from_the_e164_number(raw):
    assert normalize_phone(raw) == CN_MOBILE


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("010-12345678", "+861012345678"),
        ("(010) 1234 5678", "+861012345678"),
        ("+86 10 1234 5678", "+861012345678"),
        ("(0755) 8888 8888", "+8675588888888"),
        ("（０７５５）８８８８　８８８８", "+8675588888888"),
        ("021 6888 8888", "+862168888888"),
        ("021-68888888", "+862168888888"),
        ("0086 21 6888 8888", "+862168888888"),
    ],
)
def test_chinese_landline_with_area_code_becomes_e164(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("(415) 555-2671", "US", "+14155552671"),
        ("415.555.2671", "US", "+14155552671"),
        ("1-415-555-2671", "US", "+14155552671"),
        ("+1 415 555 2671", "CN", "+14155552671"),
        ("+1-822-569-0302", "US", "+18225690302"),
        ("+49 1453 7932 6901", "DE", "+49145379326901"),
        ("+49 1453 7932 6901", "CN", "+49145379326901"),
        ("030 123456", "DE", "+4930123456"),
        ("0086 138 0013 8000", "US", CN_MOBILE),
        ("020 7946 0018", "gb", "+442079460018"),
    ],
)
def test_foreign_numbers_use_the_region_for_numbers_without_country_code(raw, region, expected):
    assert normalize_phone(raw, region) == expected


@pytest.mark.parametrize("raw", ["-1692", -1692, -1692.0, "- 1692"])
def test_negative_number_excel_made_of_a_plus_number_is_rejected_as_formula_result(raw):
    with pytest.raises(ValueError, match="looks like a formula result, not a phone number"):
        normalize_phone(raw)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("12", "too short to be a phone number"),
        ("1234", "too short to be a phone number"),
        ("12345", "area code missing"),
        ("555-0100 ", "area code missing"),
        ("1234567890123456", "too long to be a phone number"),
        ("11111111111", "not a valid phone number"),
        ("99999999999", "not a valid phone number"),
        ("22222222", "not a valid phone number"),
        ("+1 123 456 7890", "not a valid phone number"),
        ("00000000", "unknown country code"),
        ("call me", "contains letters"),
        ("1-800-FLOWERS", "contains letters"),
        ("=A1*2", "looks like a formula"),
        ("1.38001E+10", "scientific notation"),
        ("13800138000.5", "not a valid phone number"),
        ("+999 1234567", "unknown country code"),
        ("+", "not a valid phone number"),
    ],
)
def test_things_that_are_not_phone_numbers_are_rejected_with_a_reason(raw, reason):
    with pytest.raises(ValueError, match=reason):
        normalize_phone(raw, "US" if raw.startswith("555") else "CN")


@pytest.mark.parametrize("raw", [138.5, True, dt.date(2024, 1, 1), float("inf")])
def test_non_phone_cell_values_are_rejected(raw):
    with pytest.raises(ValueError, match="not a valid phone number"):
        normalize_phone(raw)


def test_invalid_region_is_reported_not_guessed():
    with pytest.raises(ValueError, match="unknown phone region 'XX'"):
        normalize_phone("13800138000", "XX")


def test_rejection_quotes_a_short_value_and_leaves_out_a_long_one():
    with pytest.raises(ValueError) as short:
        normalize_phone("1234")
    assert str(short.value) == "too short to be a phone number: '1234'"
    with pytest.raises(ValueError) as long:
        normalize_phone("call me on my mobile any time after lunch please")
    assert str(long.value) == "not a phone number: contains letters"


def test_a_rejected_phone_is_rejected_again_from_the_cache():
    for _ in range(2):
        with pytest.raises(ValueError, match="looks like a formula result"):
            normalize_phone("-1692")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("138 0013 8000", True),
        ("+86 (10) 1234-5678", True),
        ("1234567", True),
        ("＋８６ １３８００１３８０００", True),
        ("123456", False),
        ("Zhang 1234567", False),
        ("1234567+", False),
        ("", False),
        ("张三", False),
    ],
)
def test_looks_like_phone_wants_only_phone_characters_and_seven_digits(text, expected):
    assert looks_like_phone(text) is expected


# ---------------------------------------------------------------------------- email


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("bob@example.com", "bob@example.com"),
        ("Bob.Smith@Example.COM", "Bob.Smith@example.com"),
        ("  bob@example.com\t", "bob@example.com"),
        ("mailto:bob@example.com", "bob@example.com"),
        ("MAILTO: Bob@Example.com", "Bob@example.com"),
        ("ｂｏｂ＠ｅｘａｍｐｌｅ．ｃｏｍ", "bob@example.com"),
        ("zhang.san＠QQ.com", "zhang.san@qq.com"),
        ("zhangsan@163。com", "zhangsan@163.com"),
        ("<bob@example.com>", "bob@example.com"),
        ("bob+crm@mail.example.co.uk", "bob+crm@mail.example.co.uk"),
        ("张三@例子.中国", "张三@例子.中国"),
        ("bob@Example.com.", "bob@example.com"),
    ],
)
def test_email_is_trimmed_and_its_domain_lower_cased(raw, expected):
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("bob.example.com", "not an email address: no @ ('bob.example.com')"),
        ("bob @example.com", "not an email address: contains spaces ('bob @example.com')"),
        ("bob@exa mple.com", "not an email address: contains spaces ('bob@exa mple.com')"),
        ("bob@example", "not an email address: domain has no dot ('bob@example')"),
        ("a@b@c.com", "not an email address: more than one @ ('a@b@c.com')"),
        ("@example.com", "not an email address: nothing before the @ ('@example.com')"),
        ("bob@", "not an email address: nothing after the @ ('bob@')"),
        ("bob@-example.com", "not an email address: domain is not valid ('bob@-example.com')"),
        ("bob@example..com", "not an email address: domain is not valid ('bob@example..com')"),
        ("bob@exa_mple.com", "not an email address: domain is not valid ('bob@exa_mple.com')"),
        ("bob@10.0.0.1", "not an email address: domain is not valid ('bob@10.0.0.1')"),
        (".bob@example.com", "not an email address: misplaced dot before the @ ('.bob@example.com')"),
        ("bo,b@example.com", "not an email address: characters not allowed before the @ ('bo,b@example.com')"),
        ("x" * 65 + "@example.com", "not an email address: the part before the @ is too long"),
        (12345, "not an email address: '12345'"),
    ],
)  # fmt: skip
def test_malformed_email_is_rejected_with_a_plain_reason(raw, message):
    with pytest.raises(ValueError) as error:
        normalize_email(raw)
    assert str(error.value) == message


def test_email_reason_leaves_out_a_long_value():
    with pytest.raises(ValueError) as error:
        normalize_email("this is a very long sentence that somebody typed instead")
    assert str(error.value) == "not an email address: contains spaces"


# ---------------------------------------------------------------------------- names, text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Zhang   San ", "Zhang San"),
        ("Zhang\u00a0San", "Zhang San"),
        ("张\u3000三", "张 三"),
        ("ＡＢＣ　贸易有限公司", "ABC 贸易有限公司"),
        ("Acme\tLtd\r\nShanghai", "Acme Ltd Shanghai"),
        ("Ｒｏｏｍ　１２３", "Room 123"),
        ("Li\u200bLei", "LiLei"),
        ("\ufeffWang Fang", "Wang Fang"),
        (13.0, "13"),
    ],
)
def test_name_is_half_width_with_single_spaces(raw, expected):
    assert normalize_name(raw) == expected


@pytest.mark.parametrize("raw", [
    "บริษัท สยาม จำกัด",            # Thai SARA AM (U+0E33): NFKC writes it as two characters
    "ສະບາຍດີ ນຳ",                   # Lao AM (U+0EB3)
    "深圳市明达科技有限公司（深圳）",   # full-width brackets in a Chinese name
    "Café №5 — 25 m²",
    "㈜한빛",
    "Ǆemal ﬁne",
])
def test_a_name_keeps_its_characters_beyond_width_forms(raw):
    assert normalize_name(raw) == unicodedata.normalize("NFC", raw)


def test_a_name_in_decomposed_form_is_stored_composed():
    assert normalize_name("Jose\u0301 Nun\u0303ez") == "Jos\u00e9 Nu\u00f1ez"


@pytest.mark.parametrize("raw", ["Zhang\x00San", "Bob\x07", "Li\x1bLei", "A\x7fB"])
def test_name_with_a_control_character_is_rejected(raw):
    with pytest.raises(ValueError, match="contains a control character"):
        normalize_name(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Room 101  ", "Room 101"),
        ("line one  \r\nline two\t\r\n\r\n", "line one\nline two"),
        ("old mac\rline", "old mac\nline"),
        ("上海市浦东新区\u3000\n世纪大道100号", "上海市浦东新区\n世纪大道100号"),
        ("ＡＢＣ１２３", "ＡＢＣ１２３"),
        ("  indented\n    keeps inner indent", "indented\n    keeps inner indent"),
        (13.0, "13"),
        (13.25, "13.25"),
        (7, "7"),
        (0.1, "0.1"),
        (Decimal("2.50"), "2.50"),
        (dt.date(2024, 10, 5), "2024-10-05"),
        (True, "TRUE"),
    ],
)
def test_text_keeps_what_the_user_wrote_and_tidies_line_ends(raw, expected):
    assert normalize_text(raw) == expected


def test_text_made_only_of_line_breaks_is_blank():
    assert normalize_text("\r\n \r\n") is None


# ---------------------------------------------------------------------------- bool, int


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("yes", True), ("YES", True), ("y", True), ("True", True), ("1", True), ("x", True),
        ("X", True), ("✓", True), ("√", True), ("是", True), ("同意", True), ("on", True),
        ("no", False), ("N", False), ("false", False), ("0", False), ("否", False),
        ("不同意", False), ("OFF", False), ("ｙｅｓ", True), (" yes ", True),
        (True, True), (False, False), (1, True), (0, False), (1.0, True), (0.0, False),
    ],
)  # fmt: skip
def test_yes_no_words_in_english_and_chinese_become_booleans(raw, expected):
    assert parse_bool(raw) is expected


@pytest.mark.parametrize("raw", ["maybe", "2", 2, "yesno", "好"])
def test_anything_else_is_not_a_yes_no_value(raw):
    with pytest.raises(ValueError, match="not a yes/no value"):
        parse_bool(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,234,567", 1234567), ("1 234", 1234), (3.0, 3), (3, 3), ("42", 42), ("-7", -7),
        ("１２", 12), ("3.0", 3), (Decimal("4.00"), 4), ("+5", 5), ("12,345,678", 12345678),
    ],
)  # fmt: skip
def test_whole_numbers_in_any_usual_form_become_int(raw, expected):
    result = parse_int(raw)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (3.5, "not a whole number: '3.5'"),
        ("3.5", "not a whole number: '3.5'"),
        ("abc", "not a number: 'abc'"),
        (True, "not a number: 'True'"),
        ("1,23,4", "not a number: '1,23,4'"),
    ],
)
def test_non_whole_numbers_are_rejected(raw, reason):
    with pytest.raises(ValueError) as error:
        parse_int(raw)
    assert str(error.value) == reason


# ---------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-10-05", dt.date(2024, 10, 5)),
        ("2024-10-05T12:00:00", dt.date(2024, 10, 5)),
        ("2024-10-05 00:00:00", dt.date(2024, 10, 5)),
        ("2024/10/5", dt.date(2024, 10, 5)),
        ("2024.10.5", dt.date(2024, 10, 5)),
        ("2024-1-1 1:01", dt.date(2024, 1, 1)),
        ("2024年10月5日", dt.date(2024, 10, 5)),
        ("２０２４年１０月５日", dt.date(2024, 10, 5)),
        ("2024年1月5号", dt.date(2024, 1, 5)),
        ("24年10月5日", dt.date(2024, 10, 5)),
        ("20241005", dt.date(2024, 10, 5)),
        (20241005, dt.date(2024, 10, 5)),
        ("5 Oct 2024", dt.date(2024, 10, 5)),
        ("Oct 5, 2024", dt.date(2024, 10, 5)),
        ("October 5 2024", dt.date(2024, 10, 5)),
        ("5 October 2024", dt.date(2024, 10, 5)),
        ("Sept 30, 2024", dt.date(2024, 9, 30)),
        ("05-Oct-24", dt.date(2024, 10, 5)),
        ("Sat, 5 Oct 2024", dt.date(2024, 10, 5)),
        ("30/07/2023", dt.date(2023, 7, 30)),
        ("07/30/2023", dt.date(2023, 7, 30)),
        ("05/05/2024", dt.date(2024, 5, 5)),
        ("31.12.99", dt.date(1999, 12, 31)),
        ("31.12.68", dt.date(2068, 12, 31)),
        ("31.12.69", dt.date(1969, 12, 31)),
        (dt.date(2024, 10, 5), dt.date(2024, 10, 5)),
        (dt.datetime(2024, 10, 5, 23, 59), dt.date(2024, 10, 5)),
        (pd.Timestamp("2024-10-05 13:00"), dt.date(2024, 10, 5)),
    ],
)
def test_dates_in_usual_written_forms_are_read(raw, expected):
    result = parse_date(raw)
    assert result == expected
    assert type(result) is dt.date


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, dt.date(1900, 1, 1)),
        (59, dt.date(1900, 2, 28)),
        (61, dt.date(1900, 3, 1)),
        (45000, dt.date(2023, 3, 15)),
        (45000.0, dt.date(2023, 3, 15)),
        (45000.75, dt.date(2023, 3, 15)),
        (Decimal("45000"), dt.date(2023, 3, 15)),
        ("45000", dt.date(2023, 3, 15)),
        ("45000.5", dt.date(2023, 3, 15)),
        (2958465, dt.date(9999, 12, 31)),
    ],
)
def test_excel_serial_numbers_become_dates_with_the_1900_leap_year_bug_handled(serial, expected):
    assert parse_date(serial) == expected


def test_excel_serial_60_the_fake_29_february_1900_is_rejected():
    with pytest.raises(ValueError, match="29 February 1900, which never existed"):
        parse_date(60)


@pytest.mark.parametrize("serial", [0, -1, 2958466, "0"])
def test_excel_serial_outside_excels_range_is_rejected(serial):
    with pytest.raises(ValueError, match="outside the range of Excel dates"):
        parse_date(serial)


@pytest.mark.parametrize("raw, orders", [("03/01/19", "DMY, MDY or YMD"), ("05/10/2024", "DMY or MDY"),
                                         ("5.10.24", "DMY or MDY"), ("1-2-2024", "DMY or MDY")])
def test_ambiguous_day_month_without_order_raises_with_the_hint(raw, orders):
    with pytest.raises(ValueError) as error:
        parse_date(raw)
    assert str(error.value) == (
        f"ambiguous date '{raw}': day and month could be either way; "
        f"give the date order ({orders}) or write it as YYYY-MM-DD"
    )


@pytest.mark.parametrize("raw, year_first, other", [
    ("24.03.05", "2024-03-05", "day/month/year 2005-03-24"),      # Korean yy.mm.dd
    ("23/11/28", "2023-11-28", "day/month/year 2028-11-23"),      # Japanese yy/mm/dd
    ("13/01/24", "2013-01-24", "day/month/year 2024-01-13"),
    ("05-05-24", "2005-05-24", "day/month/year 2024-05-05"),
])
def test_a_two_digit_year_date_that_also_reads_year_first_is_refused_naming_both(raw, year_first, other):
    with pytest.raises(ValueError) as error:
        parse_date(raw)
    assert str(error.value) == (f"ambiguous date '{raw}': year/month/day {year_first} or {other}; "
                                "write it as YYYY-MM-DD")
    assert parse_date(raw, "YMD").isoformat() == year_first


@pytest.mark.parametrize("raw, want", [("28/11/95", dt.date(1995, 11, 28)), ("11/28/23", dt.date(2023, 11, 28)),
                                       ("31.12.99", dt.date(1999, 12, 31)), ("5.10.24", None)])
def test_a_two_digit_year_date_no_year_first_reading_fits_is_read_as_before(raw, want):
    if want is None:
        with pytest.raises(ValueError, match="DMY or MDY"):
            parse_date(raw)
    else:
        assert parse_date(raw) == want


@pytest.mark.parametrize(
    ("raw", "order", "expected"),
    [
        ("03/01/19", "DMY", dt.date(2019, 1, 3)),
        ("03/01/19", "MDY", dt.date(2019, 3, 1)),
        ("05/10/2024", "DMY", dt.date(2024, 10, 5)),
        ("05/10/2024", "MDY", dt.date(2024, 5, 10)),
        ("5.10.24", "DMY", dt.date(2024, 10, 5)),
        ("19/03/01", "YMD", dt.date(2019, 3, 1)),
        ("30/07/2023", "DMY", dt.date(2023, 7, 30)),
        ("2024-10-05", "MDY", dt.date(2024, 10, 5)),
        ("2024-10-05", "DMY", dt.date(2024, 10, 5)),
        ("03/01/19", "dmy", dt.date(2019, 1, 3)),
    ],
)
def test_given_date_order_settles_day_and_month(raw, order, expected):
    assert parse_date(raw, order=order) == expected


@pytest.mark.parametrize(
    ("raw", "order", "message"),
    [
        ("30/07/2023", "MDY", "date '30/07/2023' does not fit the order MDY: 30 cannot be a month"),
        ("07/30/2023", "DMY", "date '07/30/2023' does not fit the order DMY: 30 cannot be a month"),
        ("05/10/2024", "YMD", "date '05/10/2024' does not fit the order YMD: the year comes last"),
    ],
)  # fmt: skip
def test_date_that_contradicts_the_given_order_is_rejected(raw, order, message):
    with pytest.raises(ValueError) as error:
        parse_date(raw, order=order)
    assert str(error.value) == message


def test_unknown_date_order_is_refused():
    with pytest.raises(ValueError, match="date order must be DMY, MDY or YMD"):
        parse_date("2024-10-05", order="DYM")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2023-02-30", "no such date: '2023-02-30'"),
        ("2023年2月29日", "no such date: '2023年2月29日'"),
        ("31/04/2024", "no such date: '31/04/2024'"),
        ("13/13/2024", "no such date: '13/13/2024'"),
        ("20231332", "no such date: '20231332'"),
        ("next tuesday", "not a date: 'next tuesday'"),
        ("Foo 5 2024", "not a date: 'Foo 5 2024'"),
        ("2024-10-05 25:00", "not a date: no such time ('2024-10-05 25:00')"),
        ("2024-10-05 soon", "not a date: cannot read the time ('2024-10-05 soon')"),
        (True, "not a date: 'True'"),
    ],
)
def test_impossible_or_unreadable_dates_are_rejected(raw, message):
    with pytest.raises(ValueError) as error:
        parse_date(raw)
    assert str(error.value) == message


SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("raw", "tz", "expected"),
    [
        ("2024-10-05 12:00", None, dt.datetime(2024, 10, 5, 12, 0, tzinfo=UTC)),
        ("2024-10-05 12:00", SHANGHAI, dt.datetime(2024, 10, 5, 4, 0, tzinfo=UTC)),
        ("2024-10-05T12:00:00Z", SHANGHAI, dt.datetime(2024, 10, 5, 12, 0, tzinfo=UTC)),
        ("2024-10-05T12:00:00+08:00", None, dt.datetime(2024, 10, 5, 4, 0, tzinfo=UTC)),
        ("2024-10-05T12:00:00.250-0500", None, dt.datetime(2024, 10, 5, 17, 0, 0, 250000, tzinfo=UTC)),
        ("2024年10月5日 14:30", SHANGHAI, dt.datetime(2024, 10, 5, 6, 30, tzinfo=UTC)),
        ("Oct 5, 2024 3:30 pm", ZoneInfo("America/New_York"), dt.datetime(2024, 10, 5, 19, 30, tzinfo=UTC)),
        ("12/31/2024 12:15 AM", None, dt.datetime(2024, 12, 31, 0, 15, tzinfo=UTC)),
        ("2024-10-05", SHANGHAI, dt.datetime(2024, 10, 4, 16, 0, tzinfo=UTC)),
        (45000.75, None, dt.datetime(2023, 3, 15, 18, 0, tzinfo=UTC)),
        (45000.5, SHANGHAI, dt.datetime(2023, 3, 15, 4, 0, tzinfo=UTC)),
        (dt.datetime(2024, 10, 5, 12, 0), SHANGHAI, dt.datetime(2024, 10, 5, 4, 0, tzinfo=UTC)),
        (dt.date(2024, 10, 5), None, dt.datetime(2024, 10, 5, 0, 0, tzinfo=UTC)),
        (pd.Timestamp("2024-10-05 13:00", tz="Asia/Shanghai"), None, dt.datetime(2024, 10, 5, 5, 0, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_datetime_is_read_in_the_given_zone_and_returned_in_utc(raw, tz, expected):
    result = parse_datetime(raw, tz=tz)
    assert result == expected
    assert result.utcoffset() == dt.timedelta(0)
    assert type(result) is dt.datetime


def test_datetime_uses_the_date_order_too():
    expected = dt.datetime(2019, 1, 3, 8, 0, tzinfo=UTC)
    assert parse_datetime("03/01/19 08:00", order="DMY") == expected


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        (["03/01/19", "30/12/22"], None),              # also year/month/day (issue 14)
        (["03/01/19", "30/12/22", "17/06/95"], "DMY"),  # day 95 rules out year first
        (["03/01/19", None, "", "30/12/22", "05.06.2020"], "DMY"),
        (["03/01/19", "12/30/22"], "MDY"),
        (["24/03/05", "23/11/28", "22/12/31", "24/01/15"], None),   # YMD or DMY
        (["24/03/05", "23/11/28", "22/12/31", "99/12/31"], "YMD"),   # day 99 rules out DMY
        (["03/01/19", "05/10/2024"], None),
        (["2024-10-05", "2024/1/2", "2024年10月5日", "20241005"], "YMD"),
        (["2024-10-05", dt.date(2024, 1, 1), 45000, None, float("nan")], "YMD"),
        (["2024-10-05", "03/01/19", "30/12/2022"], "DMY"),
        ([None, "", dt.datetime(2024, 1, 1)], None),
        ([], None),
    ],
)
def test_detect_date_order_reads_a_whole_column(column, expected):
    assert detect_date_order(column) == expected


def test_detect_date_order_rejects_a_column_that_contradicts_itself():
    with pytest.raises(ValueError) as error:
        detect_date_order(["30/12/22", "03/01/19", "12/30/22", "31/01/23"])
    assert str(error.value) == (
        "dates in this column disagree: '30/12/22', '31/01/23' can only be day/month/year or "
        "year/month/day, '12/30/22' only month/day/year"
    )


def test_detected_order_parses_the_whole_column():
    column = ["03/01/19", "30/12/22", "05/06/20", "17/06/95"]
    order = detect_date_order(column)
    assert [parse_date(v, order=order) for v in column] == [
        dt.date(2019, 1, 3), dt.date(2022, 12, 30), dt.date(2020, 6, 5), dt.date(1995, 6, 17),
    ]  # fmt: skip


# ---------------------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("raw", "amount", "currency"),
    [
        ("¥1,234.50", "1234.50", "CNY"),
        ("￥1,234.50", "1234.50", "CNY"),
        ("1234元", "1234", "CNY"),
        ("RMB 1,000.00", "1000", "CNY"),
        ("CNY1000.00", "1000.00", "CNY"),
        ("人民币100元", "100", "CNY"),
        ("1.5万元", "15000", "CNY"),
        ("1,234.5万", "12345000", None),
        ("2亿", "200000000", None),
        ("$1,234.50", "1234.50", "USD"),
        ("US$ 5", "5", "USD"),
        ("12 USD", "12", "USD"),
        ("-$5.00", "-5.00", "USD"),
        ("$-5.00", "-5.00", "USD"),
        ("($5.00)", "-5.00", "USD"),
        ("HK$100", "100", "HKD"),
        ("1 234,50 €", "1234.50", "EUR"),
        ("1\u00a0234,50\u00a0€", "1234.50", "EUR"),
        ("1\u2009234,50 €", "1234.50", "EUR"),
        ("1\u202f234,50 €", "1234.50", "EUR"),
        ("12,50 €", "12.50", "EUR"),
        ("€1.234,56", "1234.56", "EUR"),
        ("£3.20", "3.20", "GBP"),
        ("JPY 500", "500", "JPY"),
        ("500円", "500", "JPY"),
        ("(1,234.50)", "-1234.50", None),
        ("1.234,50", "1234.50", None),
        ("1,234,567", "1234567", None),
        ("1,234,567.89", "1234567.89", None),
        ("1.234.567", "1234567", None),
        ("1,5", "1.5", None),
        ("0,500", "0.500", None),
        ("1234", "1234", None),
        ("１２３４．５", "1234.5", None),
        ("1'234.50", "1234.50", None),
        ("5.00-", "-5.00", None),
        ("\u22125", "-5", None),
        (".5", "0.5", None),
    ],
)
def test_amounts_in_chinese_and_european_forms_become_decimals_with_currency(raw, amount, currency):
    assert parse_money_with_currency(raw) == (Decimal(amount), currency)
    assert parse_money(raw) == Decimal(amount)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1234, Decimal("1234")),
        (0.1, Decimal("0.1")),
        (1234.5, Decimal("1234.5")),
        (-2.675, Decimal("-2.675")),
        (1e20, Decimal("100000000000000000000")),
        (Decimal("3.10"), Decimal("3.10")),
    ],
)
def test_numbers_from_excel_become_exact_decimals(raw, expected):
    result = parse_money(raw)
    assert result == expected
    assert str(result) == str(expected)


def test_float_amount_keeps_its_short_form_not_its_binary_expansion():
    assert str(parse_money(0.1)) == "0.1"


def test_huge_amount_with_multiplier_is_not_rounded():
    amount = parse_money("123456789012345678901234567891万")
    assert amount == Decimal("1234567890123456789012345678910000")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("abc", "not an amount: 'abc'"),
        ("1.2.3", "not an amount: '1.2.3'"),
        ("1,23,4", "not an amount: '1,23,4'"),
        ("12 34", "not an amount: '12 34'"),
        ("$", "not an amount: '$'"),
        ("-", "not an amount: '-'"),
        ("--5", "not an amount: '--5'"),
        ("(5", "not an amount: '(5'"),
        # scientific notation showing fewer digits than the number has: some may be lost
        ("1e5", "not an amount: scientific notation, digits may be lost (format the column as a number "
                "and save the file again) ('1e5')"),
        ("$5 €", "not an amount: two different currencies ('$5 €')"),
        (True, "not an amount: 'True'"),
        (float("inf"), "not an amount: 'inf'"),
    ],
)
def test_text_that_is_not_an_amount_is_rejected(raw, message):
    with pytest.raises(ValueError) as error:
        parse_money(raw)
    assert str(error.value) == message


# ---------------------------------------------------------------------------- robustness


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_parse_money_raises_only_value_error_on_arbitrary_text(text):
    try:
        result = parse_money(text)
    except ValueError:
        return
    assert result is None or (isinstance(result, Decimal) and result.is_finite())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789 +-.,()$¥€万元"), max_size=25))
def test_parse_money_raises_only_value_error_on_number_like_text(text):
    try:
        result = parse_money(text)
    except ValueError:
        return
    assert result is None or isinstance(result, Decimal)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.sampled_from(["CN", "US", "DE"]))
def test_normalize_phone_raises_only_value_error_on_arbitrary_text(text, region):
    try:
        result = normalize_phone(text, region)
    except ValueError:
        return
    assert result is None or (result.startswith("+") and result[1:].isdigit())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789 +-()x转.１"), max_size=25))
def test_normalize_phone_raises_only_value_error_on_digit_heavy_text(text):
    try:
        result = normalize_phone(text)
    except ValueError:
        return
    assert result is None or (result.startswith("+") and result[1:].isdigit())


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=30), st.integers(), st.floats()))
def test_date_email_and_other_parsers_raise_only_value_error(value):
    parsers = (parse_date, parse_datetime, normalize_email, parse_int, parse_bool, normalize_name)
    for parse in parsers:
        try:
            parse(value)
        except ValueError:
            pass


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=2958465).filter(lambda n: n != 60))
def test_every_excel_serial_in_range_gives_a_date(serial):
    result = parse_date(serial)
    assert dt.date(1900, 1, 1) <= result <= dt.date(9999, 12, 31)
    if serial >= 10000:          # shorter text is a year or a count (test_import_variants_values)
        assert parse_date(str(serial)) == result


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1900, 3, 1)))
def test_serial_counting_matches_the_calendar_after_february_1900(day):
    serial = (day - dt.date(1899, 12, 30)).days
    assert parse_date(serial) == day


def test_nan_is_blank_not_a_number():
    assert math.isnan(float("nan")) and parse_money(float("nan")) is None


# ----- the fast path for plain email addresses ---------------------------------------------

from cims_xl.domain import normalize as _nz  # noqa: E402


_ATOM = st.text("abcXYZ019_%+-", min_size=1, max_size=12)
_LABEL = st.text("abz09-", min_size=1, max_size=12)
_EMAILISH = st.builds(lambda local, labels, tld: ".".join(local) + "@" + ".".join(labels + [tld]),
                      st.lists(_ATOM, min_size=1, max_size=6), st.lists(_LABEL, min_size=1, max_size=3),
                      st.text("abz09-", min_size=1, max_size=8))


@settings(max_examples=500, deadline=None)
@given(_EMAILISH)
def test_a_plain_email_taken_by_the_fast_path_is_what_the_full_check_returns(address):
    if _nz._PLAIN_EMAIL.match(address) and len(address) <= 254:
        assert _nz._normalize_email_full(address) == address


@pytest.mark.parametrize("address", ["a..b@c.com", ".a@b.com", "a@B.com", "a@1.2.3.4", "a@-b.com",
                                     "a@b", "x" * 65 + "@b.com", " a@b.com", "用户@例子.中国"])
def test_addresses_the_fast_path_does_not_take_get_the_full_check(address):
    assert not _nz._PLAIN_EMAIL.match(address) or len(address) > 254


# ----- the fast path for mainland landlines ---------------------------------------------------

_LANDLINE = st.builds(lambda area, sep, number: f"0{area}{sep}{number}",
                      st.from_regex(r"[0-9]{2,3}", fullmatch=True), st.sampled_from(["", "-", " "]),
                      st.from_regex(r"[0-9]{6,9}", fullmatch=True))


@settings(max_examples=1000, deadline=None)
@given(_LANDLINE)
def test_a_landline_taken_by_the_fast_path_is_what_the_full_parse_returns(text):
    fast = _nz._CN_LANDLINE.match(text)
    ok, full = _nz._normalize_phone_text.__wrapped__(text, "CN")
    try:
        got = normalize_phone(text, "CN")
    except ValueError:
        got = None
        assert not ok
    if fast and got is not None:
        assert ok and got == full


@pytest.mark.parametrize("text, e164", [("010-12345678", "+861012345678"), ("021 6888 8888", "+862168888888"),
                                        ("0755-26780000", "+8675526780000"), ("0391-2345678", "+863912345678")])
def test_landlines_written_the_usual_ways_become_e164(text, e164):
    assert normalize_phone(text, "CN") == e164


from hypothesis import given, settings, strategies as st


@settings(max_examples=800, deadline=None)
@given(area=st.one_of(st.integers(10, 999).map(str), st.sampled_from(["10", "21", "755", "151", "400", "89"])),
       number=st.integers(0, 99_999_999), width=st.sampled_from([7, 8]), sep=st.sampled_from(["", "-", " "]),
       assumed=st.booleans())
def test_the_chinese_landline_shortcut_answers_as_the_full_check_does_assumed_or_not(area, number, width, sep,
                                                                                  assumed):
    from cims_xl.domain import normalize as nz

    text = f"0{area}{sep}{number:0{width}d}"
    try:
        got = (True, nz.normalize_phone(text, "CN", assumed=assumed))
    except ValueError:
        got = (False, None)
    ok, result = nz._normalize_phone_text.__wrapped__(text, "CN", assumed, "give the row's country")
    assert got == ((True, result) if ok else (False, None)), text
