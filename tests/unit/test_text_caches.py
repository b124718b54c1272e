"""The per-text caches of the worker side (#13) answer exactly what the uncached functions answered: a cached
failure is raised anew, a cached metadata read applies to whatever Meta it is read into, a rule list changed since
its answers were remembered is read again, and a styles part is shared only with the same bytes."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.lib import normalize_rules
from pipelines.lib.classify_meta import Meta, parse_meta
from pipelines.lib.classify_text import key
from pipelines.lib.docx_visible import HeadingStyles, StyleProps, shared_styles
from pipelines.lib.numbers import BadNumber, TooLarge, clean, parse_amount


def test_a_bad_amount_raises_a_new_exception_each_time():
    errors = []
    for _ in range(2):
        with pytest.raises(BadNumber) as exc:
            parse_amount("12.3.4")
        errors.append(exc.value)
    assert errors[0] is not errors[1]
    assert str(errors[0]) == str(errors[1]) == "'12.3.4' is not a number"
    with pytest.raises(TooLarge):
        parse_amount("12345678901234567")
    with pytest.raises(TooLarge):  # the subclass survives the cache
        parse_amount("12345678901234567")


def test_a_cached_amount_is_the_same_value():
    first, second = parse_amount("1,234.50"), parse_amount("1,234.50")
    assert first == second and first.value == Decimal("1234.50") and first.decimals == 2


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=12))
def test_ascii_fast_paths_equal_the_full_normalisation(text):
    import unicodedata

    from pipelines.lib import classify_text, numbers

    assert clean(text) == "".join(unicodedata.normalize("NFKC", text).translate(numbers._INVISIBLE).split())
    full = unicodedata.normalize("NFKC", classify_text._ZERO_WIDTH.sub("", text)).translate(classify_text._T2S)
    assert key(text) == classify_text._QUOTES.sub("", classify_text._WS.sub("", full))


def test_metadata_read_from_the_cache_keeps_what_the_meta_already_holds():
    fresh = Meta()
    assert parse_meta("单位：万元 预算年度：2024", fresh)
    assert (fresh.unit, fresh.year) == ("万元", 2024)
    held = Meta(unit="元", name="魏县财政局")
    assert parse_meta("单位：万元 预算年度：2024", held)  # the same text again, now from the cache
    assert (held.unit, held.year, held.name) == ("元", 2024, "魏县财政局")
    untouched = Meta(unit="")
    assert parse_meta("公开01表", untouched)
    assert untouched.unit == "" and untouched.other == ["公开01表"]  # a field the text never sets stays as it was
    again = Meta()
    parse_meta("公开01表", again)
    assert again.other == ["公开01表"]  # each Meta gets its own 'other', not the cache's list


def test_a_rule_list_grown_after_use_is_read_again():
    rules = [(r"^甲", "a")]
    assert normalize_rules._match(rules, "乙项") is None
    rules.append((r"^乙", "b"))
    assert normalize_rules._match(rules, "乙项") == "b"
    assert normalize_rules._match([(r"项$", "c")], "乙项") == "c"  # a list made for one call


def test_a_styles_part_is_shared_only_with_the_same_bytes():
    body = b'<w:style w:type="paragraph" w:styleId="a%d"><w:name w:val="heading 1"/></w:style>'
    one = b'<w:styles xmlns:w="x">' + b"".join(body % i for i in range(100)) + b"</w:styles>"
    other = one.replace(b"heading 1", b"Heading 1", 1)  # same length, same tail, other bytes
    assert len(one) == len(other) and one[-512:] == other[-512:] and len(one) > 4096
    for cls in (HeadingStyles, StyleProps):
        assert shared_styles(one, cls) is shared_styles(bytes(one), cls)
        assert shared_styles(other, cls) is not shared_styles(one, cls)
    assert shared_styles(one, HeadingStyles).is_heading("a3")
