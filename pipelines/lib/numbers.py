"""Printed amounts → exact decimals.

Filings print ``2,041.42``, ``２０４１．４２``, ``1308312.6``, ``0``, ``-``, ``—``, ``(12.50)``, blanks, and now and then a
stray NBSP or zero-width space.  A blank cell means "no value" (no row); an explicit zero or dash means 0.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_DASHES = {"-", "—", "–", "－", "――", "——", "--", "/"}
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")

YUAN_Q = Decimal("0.01")
WAN_Q = Decimal("0.000001")
TEN_THOUSAND = Decimal(10000)


@dataclass(frozen=True, slots=True)
class Amount:
    """A parsed amount in the unit the table prints, with the printed text and its precision."""

    value: Decimal
    text: str
    decimals: int  # digits printed after the point: drives the rounding tolerance

    def yuan(self, unit: str) -> Decimal:
        v = self.value * TEN_THOUSAND if unit == "万元" else self.value
        return v.quantize(YUAN_Q)

    def wan(self, unit: str) -> Decimal:
        v = self.value if unit == "万元" else self.value / TEN_THOUSAND
        return v.quantize(WAN_Q)


class BadNumber(ValueError):
    """A cell where an amount belongs holds something that is not one."""


def clean(text: str | None) -> str:
    """NFKC (full-width digits and punctuation to ASCII), no invisible characters, no whitespace at all."""
    if not text:
        return ""
    t = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return "".join(t.split())


def parse_amount(text: str | None) -> Amount | None:
    """Parse a printed amount; ``None`` for a blank cell; raise :class:`BadNumber` for anything else unreadable."""
    t = clean(text)
    if not t:
        return None
    if t in _DASHES:
        return Amount(Decimal(0), text or "", 0)
    negative = False
    if t.startswith("(") and t.endswith(")"):
        negative, t = True, t[1:-1]
    t = t.removesuffix("万元").removesuffix("元")
    if not _NUMBER.match(t):
        raise BadNumber(f"{text!r} is not a number")
    try:
        value = Decimal(t.replace(",", ""))
    except InvalidOperation as err:  # pragma: no cover - the regex already guards this
        raise BadNumber(f"{text!r} is not a number") from err
    if negative:
        value = -value
    decimals = len(t.split(".", 1)[1]) if "." in t else 0
    return Amount(value, text or "", decimals)


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
    for m in _STATED.finditer(unicodedata.normalize("NFKC", sentence)):
        raw = m.group("num").replace(",", "").rstrip(".")
        try:
            v = Decimal(raw)
        except InvalidOperation:
            continue
        if m.group("unit") == "元":
            v = v / TEN_THOUSAND
        out.append((m.start(), v, m.group("unit")))
    return out
