"""The first rule of a list that matches a text, remembered per rule list.

Header keys and row labels are matched against the same few rule lists again and again (normalize_rules, the 绩效
forms of performance.py). The answer is remembered per list by identity: the list itself is held, so its id is not
reused while remembered, and its length guards against a list grown since.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

R = TypeVar("R", bound=Sequence)

_MEMO: dict[int, tuple[Sequence, int, dict[str, str | None]]] = {}
_UNSEEN = object()  # no answer remembered (None is an answer: no rule matches)


def first_match(rules: R, text: str, find: Callable[[R, str], str | None]) -> str | None:
    """``find(rules, text)``, computed once per (rule list, text)."""
    memo = _MEMO.get(id(rules))
    if memo is None or memo[0] is not rules or memo[1] != len(rules):
        if len(_MEMO) >= 512:
            _MEMO.clear()
        memo = _MEMO[id(rules)] = (rules, len(rules), {})
    found = memo[2]
    result = found.get(text, _UNSEEN)
    if result is not _UNSEEN:
        return result
    result = find(rules, text)
    if len(found) < 4096:
        found[text] = result
    return result
