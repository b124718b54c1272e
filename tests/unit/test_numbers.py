"""Printed amounts → exact decimals, whatever the county prints."""

import random
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.lib.numbers import Amount, BadNumber, in_unit, nfkc, parse_amount, stated_amounts


@pytest.mark.parametrize(
    ("text", "value", "decimals"),
    [
        ("2,041.42", "2041.42", 2),
        ("２０４１．４２", "2041.42", 2),
        ("96,282,213.44", "96282213.44", 2),
        ("87267272.44", "87267272.44", 2),
        ("1308312.6", "1308312.6", 1),
        ("250000", "250000", 0),
        ("0", "0", 0),
        ("0.00", "0.00", 2),
        ("-", "0", 0),
        ("—", "0", 0),
        ("(12.50)", "-12.50", 2),
        (" 54.50\u00a0", "54.50", 2),
        ("5\u200b4.5", "54.5", 1),
        ("－2.00", "-2.00", 2),
        ("\u22122.00", "-2.00", 2),  # U+2212 MINUS SIGN
        ("\u2212 1,308,312.60", "-1308312.60", 2),
        ("△2.00", "-2.00", 2),  # the accountant's mark for a decrease
        ("△ 12.5", "-12.5", 1),
        ("△１２．５０", "-12.50", 2),
        ("△0.00", "0.00", 2),
    ],
)
def test_parse_amount(text, value, decimals):
    a = parse_amount(text)
    assert a.value == Decimal(value)
    assert a.decimals == decimals
    assert a.text == text


@pytest.mark.parametrize("text", ["", "   ", None, "\u200b"])
def test_blank_is_no_value(text):
    assert parse_amount(text) is None


# a lone − or △ is a sign with no number, not a dash for nothing; △ after a number or twice is no amount either
@pytest.mark.parametrize("text", ["涉密", "1.2.3", "12,34", "abc", "2041.42.", "无数据", "\u2212", "△", "2.00△", "△△2.00",
                                  "△-2.00"])
def test_unreadable_raises(text):
    with pytest.raises(BadNumber):
        parse_amount(text)


def test_units_convert_exactly_both_ways():
    wan = parse_amount("2041.42")
    assert wan.yuan("万元") == Decimal("20414200.00")
    assert wan.wan("万元") == Decimal("2041.420000")
    yuan = parse_amount("96,282,213.44")
    assert yuan.yuan("元") == Decimal("96282213.44")
    assert yuan.wan("元") == Decimal("9628.221344")


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_round_trip_with_thousands_separators(d):
    text = f"{d:,.2f}"
    a = parse_amount(text)
    assert a == Amount(d, text, 2)
    # 元 → 万元 → 元 is exact at DECIMAL(18,6) / DECIMAL(18,2)
    assert (a.wan("元") * 10000).quantize(Decimal("0.01")) == d


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=20))
def test_never_an_unhandled_exception(text):
    try:
        parse_amount(text)
    except BadNumber:
        pass


def test_stated_amounts_in_a_sentence():
    s = "2023年收入预算共计2041.41万元，全部为财政拨款收入；机关运行经费共计安排46,760元。"
    got = [(v, u) for _, v, u in stated_amounts(s)]
    assert got == [(Decimal("2041.41"), "万元"), (Decimal("4.676"), "元")]


@pytest.mark.parametrize(
    ("text", "value", "marker"),
    [("236.00①", "236.00", "①"), ("236.00¹", "236.00", "¹"), ("236.00 ⑵", "236.00", "⑵"),
     ("1,236.00¹²", "1236.00", "¹²"), ("２３６．００③", "236.00", "③"), ("-①", "0", "①")],
)
def test_a_footnote_marker_is_never_a_digit(text, value, marker):
    from pipelines.lib.numbers import parse_amount as parse

    a = parse(text)
    assert (a.value, a.marker) == (Decimal(value), marker)


def test_a_unit_in_the_cell_converts_exactly_to_the_tables():
    from pipelines.lib.numbers import in_unit

    a = in_unit(parse_amount("2360000元"), "万元")
    assert (a.value, a.yuan("万元"), a.wan("万元")) == (Decimal("236"), Decimal("2360000.00"), Decimal("236.000000"))
    b = in_unit(parse_amount("1.2345万元"), "元")
    assert (b.value, b.yuan("元")) == (Decimal("12345"), Decimal("12345.00"))
    assert in_unit(parse_amount("236.00万元"), "万元").value == Decimal("236.00")


@pytest.mark.parametrize("text", ["10000000000000000", "1" * 30, "123456789012345678901234567890.12"])
def test_numbers_no_warehouse_column_holds_are_refused_not_crashed_on(text):
    from pipelines.lib.numbers import TooLarge

    with pytest.raises(TooLarge):
        parse_amount(text)


def test_the_largest_amounts_that_fit():
    from pipelines.lib.numbers import fits

    assert fits(parse_amount("999999999999.999999"), "万元")
    assert not fits(parse_amount("1000000000000"), "万元")
    assert fits(parse_amount("9999999999999999.99"), "元")


def test_minus_signs_make_the_same_amount_as_a_hyphen():
    # 12,345.67 万元 printed four ways is one negative figure, to the cent in 元 and 万元
    for text in ("-12,345.67", "(12,345.67)", "\u221212,345.67", "△12,345.67"):
        a = parse_amount(text)
        assert (a.yuan("万元"), a.wan("万元"), a.decimals) == (Decimal("-123456700.00"), Decimal("-12345.670000"), 2)
    for text in ("-1234567元", "\u22121234567元", "△1234567元"):  # a unit in the cell: 元 in a 万元 table
        assert in_unit(parse_amount(text), "万元").wan("万元") == Decimal("-123.456700")


def test_nfkc_is_unicodedata_nfkc_on_every_code_point():
    differ = [cp for cp in range(0x110000) if not 0xD800 <= cp < 0xE000
              and nfkc(chr(cp)) != unicodedata.normalize("NFKC", chr(cp))]
    assert differ == []


def test_nfkc_is_unicodedata_nfkc_where_characters_compose():
    """Runs of bases, combining marks, Hangul jamo and syllables, full-width, circled and compatibility characters:
    where composition across neighbours happens."""
    pool = [chr(c) for r in ((0x20, 0x250), (0x300, 0x370), (0x1100, 0x1200), (0xAC00, 0xAC40), (0x3000, 0x3100),
                             (0xFF00, 0xFFF0), (0x4E00, 0x4E40), (0xF900, 0xF920), (0x2460, 0x24A0), (0x1E00, 0x1F00))
            for c in range(*r)]
    pool += [chr(c) for c in (0x0CCA, 0x0CD5, 0x0B47, 0x0B3E, 0x0DD9, 0x0DCF, 0x1B05, 0x1B35, 0x2126, 0x212B, 0x0344,
                              0x0F73, 0x0F75, 0x0F81)]
    rng = random.Random(13)
    texts = ["".join(rng.choice(pool) for _ in range(rng.randint(1, 6))) for _ in range(30_000)]
    texts.append("2026年部门预算收入合计１２，３４５．６７万元（比上年增加　１．２万元）")
    assert [t for t in texts if nfkc(t) != unicodedata.normalize("NFKC", t)] == []
