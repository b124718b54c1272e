"""Printed amounts → exact decimals.

Filings print ``2,041.42``, ``２０４１．４２``, ``1308312.6``, ``0``, ``-``, ``—``, ``(12.50)``, blanks, and now and then a
stray NBSP or zero-width space.  A negative is printed ``-2.00``, ``－2.00``, ``(2.00)``, ``−2.00`` (U+2212, the
typographic minus) or ``△2.00`` (the Chinese accounting mark for a decrease).  A blank cell means "no value" (no row); an explicit zero or dash means 0.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_DASHES = {"-", "—", "–", "－", "――", "——", "--", "/"}
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
# Signs printed before an amount that mean minus besides '-' (NFKC makes the full-width '－' and the small '﹣' a '-',
# but leaves these): U+2212 MINUS SIGN and △ (U+25B3), the accountant's mark for a decrease (△2.00 = -2.00).
# Only before a number: a lone △ or − is not a dash for nothing.
MINUS_SIGNS = "\u2212\u25b3"

YUAN_Q = Decimal("0.01")
WAN_Q = Decimal("0.000001")
TEN_THOUSAND = Decimal(10000)


# Footnote markers printed after an amount: superscript digits (what the docx reader makes of a
# superscript run, and what some PDFs hold), circled ①…⑳, parenthesized ⑴…⒇, numbered ⒈…⒛ and
# negative-circled ❶…❿.  NFKC would turn each into a plain digit of the amount.
MARKERS = "⁰¹²³⁴⁵⁶⁷⁸⁹" + "".join(map(chr, range(0x2460, 0x249C))) + "".join(map(chr, range(0x2776, 0x2794)))
_TRAILING_MARKER = re.compile(f"[{MARKERS}]+$")
# The warehouse keeps amount_yuan as DECIMAL(18,2) and amount_wan as DECIMAL(18,6): both hold
# amounts below 10^16 yuan = 10^12 万元.
MAX_YUAN = Decimal(10) ** 16


@dataclass(frozen=True, slots=True)
class Amount:
    """A parsed amount in the unit the table prints, with the printed text and its precision."""

    value: Decimal
    text: str
    decimals: int  # digits printed after the point: drives the rounding tolerance
    marker: str = ""  # a footnote marker printed after the number (①, ¹), kept out of the value
    unit: str | None = None  # a unit printed in the cell itself ('元' in '2360000元'), else None

    def yuan(self, unit: str) -> Decimal:
        v = self.value * TEN_THOUSAND if unit == "万元" else self.value
        return v.quantize(YUAN_Q)

    def wan(self, unit: str) -> Decimal:
        v = self.value if unit == "万元" else self.value / TEN_THOUSAND
        return v.quantize(WAN_Q)


class BadNumber(ValueError):
    """A cell where an amount belongs holds something that is not one."""


class TooLarge(BadNumber):
    """A number too large for any amount the warehouse can hold (10^16 or more)."""


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, computed as NFC of NFKD — the same string by definition (NFKC is the
    compatibility decomposition followed by canonical composition, and an NFKD string is its own canonical
    decomposition; checked on every code point and on random strings of combining marks, jamo and compatibility
    characters in tests/unit/test_numbers.py).  CPython's NFKC composes Chinese text with full-width punctuation
    at ~85 ns a character; NFKD and then NFC (whose quick check passes on the decomposed text) take ~5."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFKD", text))


@lru_cache(maxsize=1 << 16)  # a cell's text is cleaned by every stage that reads it (~3 times), and texts repeat
def clean(text: str | None) -> str:
    """NFKC (full-width digits and punctuation to ASCII), no invisible characters, no whitespace at all."""
    if not text:
        return ""
    if text.isascii():  # NFKC and the invisible characters (all outside ASCII) leave it as it is
        return "".join(text.split())
    t = nfkc(text).translate(_INVISIBLE)
    return "".join(t.split())


def parse_amount(text: str | None) -> Amount | None:
    """Parse a printed amount; ``None`` for a blank cell; raise :class:`BadNumber` for anything else unreadable.

    A footnote marker after the number (``236.00①``, ``236.00¹``) is set aside in ``marker``, never
    read as a digit; a unit printed in the cell (``2360000元``) is kept in ``unit`` for the caller to
    convert to the table's unit.  A number of 10^16 or more raises :class:`TooLarge`.
    """
    if not text:
        return None
    parsed = _parsed(text)
    if isinstance(parsed, tuple):  # (exception class, message): a new exception each time, as before
        raise parsed[0](parsed[1])
    return parsed


@lru_cache(maxsize=1 << 16)  # normalize, checks and coverage each parse the same cells; Amount is immutable
def _parsed(text: str) -> Amount | tuple[type[BadNumber], str] | None:
    try:
        return _parse_amount(text)
    except BadNumber as err:
        return type(err), str(err)


def _parse_amount(text: str) -> Amount | None:
    marker = ""
    s = text.translate(_INVISIBLE).strip()
    m = _TRAILING_MARKER.search(s)
    if m:
        marker, s = m.group(), s[: m.start()]
    t = clean(s)
    if not t:
        return None
    if t in _DASHES:
        return Amount(Decimal(0), text, 0, marker)
    if len(t) > 1 and t[0] in MINUS_SIGNS:
        t = "-" + t[1:]
    negative = False
    if t.startswith("(") and t.endswith(")"):
        negative, t = True, t[1:-1]
    unit = None
    for u in ("万元", "元"):
        if t.endswith(u):
            unit, t = u, t[: -len(u)]
            break
    if not _NUMBER.match(t):
        raise BadNumber(f"{text!r} is not a number")
    try:
        value = Decimal(t.replace(",", ""))
    except InvalidOperation as err:  # pragma: no cover - the regex already guards this
        raise BadNumber(f"{text!r} is not a number") from err
    if value and value.adjusted() >= 16:
        raise TooLarge(f"{text!r} is far larger than any amount a filing holds")
    if negative:
        value = -value
    decimals = len(t.split(".", 1)[1]) if "." in t else 0
    return Amount(value, text, decimals, marker, unit)


def in_unit(a: Amount, unit: str) -> Amount:
    """``a`` converted exactly to the table's ``unit`` when the cell printed another (元 ↔ 万元)."""
    if a.unit is None or a.unit == unit:
        return a
    if a.unit == "元":  # 元 → 万元: four more decimals, nothing rounded
        return Amount(a.value / TEN_THOUSAND, a.text, a.decimals + 4, a.marker, a.unit)
    return Amount(a.value * TEN_THOUSAND, a.text, max(a.decimals - 4, 0), a.marker, a.unit)


def fits(a: Amount, unit: str) -> bool:
    """Does ``a`` (in ``unit``) fit the warehouse's DECIMAL(18,2) yuan and DECIMAL(18,6) 万元?"""
    return abs(a.value * TEN_THOUSAND if unit == "万元" else a.value) < MAX_YUAN


def looks_numeric(text: str | None) -> bool:
    """True when the cell holds a number (or a dash); used to tell label columns from amount columns."""
    try:
        return parse_amount(text) is not None
    except BadNumber:
        return False


_STATED = re.compile(r"(?P<num>[0-9０-９][0-9０-９,，.．]*)\s*(?P<unit>万元|元)")


def stated_amounts(sentence: str) -> list[tuple[int, Decimal, str]]:
    """Every ``<number>万元`` / ``<number>元`` in a sentence: (position, value in 万元, unit as printed)."""
    out = []
    for m in _STATED.finditer(nfkc(sentence)):
        raw = m.group("num").replace(",", "").rstrip(".")
        try:
            v = Decimal(raw)
        except InvalidOperation:
            continue
        if m.group("unit") == "元":
            v = v / TEN_THOUSAND
        if v and v.adjusted() >= 12:
            continue  # not an amount the warehouse could hold: a digit string, not a budget figure
        out.append((m.start(), v, m.group("unit")))
    return out
