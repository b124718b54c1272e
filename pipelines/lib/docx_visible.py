"""What Word shows: the one rule for visible text that every .docx reader path reads through,
and the styles it is resolved through (hiding, superscript, and which paragraph styles are headings).

:func:`keep_visible` edits a parsed main document in place before any text is read, so the
reader's paths (the filtered table pass and the structured walk) cannot disagree about it:

- tracked deletions and moves are gone: ``w:del``, ``w:moveFrom`` and every ``w:delText`` (the
  text Word shows only as struck-through markup, never in the final document), and table rows
  whose ``w:trPr`` marks them deleted (``w:del``) or hidden (``w:hidden``);
- ``mc:AlternateContent`` is read once: its first ``mc:Choice`` (a text box is written twice,
  as DrawingML and again as a VML ``mc:Fallback``);
- hidden runs are gone: ``w:vanish`` or ``w:webHidden`` resolved as Word resolves run
  properties — direct formatting, then the run's character style (``w:rStyle`` and what it is
  ``w:basedOn``), then the paragraph's style (or the default paragraph style), then
  ``w:docDefaults``; an explicit ``w:val="0"`` at a nearer level shows the text again;
- superscript runs (``w:vertAlign w:val="superscript"``, resolved the same way) keep their text,
  with digits written as the superscript digits Word draws (``¹²³``), so a footnote marker is
  never read as a digit of the amount before it (:func:`pipelines.lib.numbers.parse_amount`
  sets such markers aside);
- a paragraph or table that is left with no text because all of it was hidden or deleted is
  removed, and so is an empty paragraph whose mark is hidden (``w:pPr/w:rPr/w:vanish``), so a
  hidden copy of another filing leaves the document exactly as Word shows it.

Not resolved: toggle-property XOR across style levels and table-style run properties (Word
applies both rarely; a hiding table style is reported by no reader we know of).
"""

from __future__ import annotations

import re

from lxml import etree

from pipelines.lib import safe_io
from pipelines.lib.errors import RejectedFile

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_NS = {"w": W[1:-1]}
VAL = W + "val"
R, P, T, TBL, TC, TR = W + "r", W + "p", W + "t", W + "tbl", W + "tc", W + "tr"
RPR, PPR, TRPR = W + "rPr", W + "pPr", W + "trPr"
TRPR_HIDDEN = W + "hidden"
VANISH, WEB_HIDDEN, VERT_ALIGN = W + "vanish", W + "webHidden", W + "vertAlign"
_PROPS = (VANISH, WEB_HIDDEN, VERT_ALIGN)
_GONE = (W + "del", W + "moveFrom", W + "delText", MC + "Fallback")
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_OFF = ("0", "false", "off")
_CONTENT = (T, W + "tab", W + "ptab", W + "br", W + "cr", W + "noBreakHyphen", W + "txbxContent", W + "drawing",
            W + "pict", W + "object", TBL)


def _props(rpr: etree._Element | None) -> dict[str, object]:
    """vanish / webHidden (bool) and vertAlign (str) set in one rPr."""
    out: dict[str, object] = {}
    if rpr is None:
        return out
    for tag in _PROPS:
        el = rpr.find(tag)
        if el is not None:
            val = el.get(VAL)
            out[tag] = val if tag == VERT_ALIGN else (val is None or val.lower() not in _OFF)
    return out


class StyleProps:
    """Run properties that can hide text or raise it, per style id, resolved through ``w:basedOn``."""

    def __init__(self, styles: bytes | etree._Element | None):
        self.own: dict[str, tuple[str | None, dict]] = {}  # style id → (basedOn, its own props)
        self.defaults: dict[str, object] = {}
        self.default_paragraph: str | None = None
        self._resolved: dict[str | None, dict] = {}
        if styles is None:
            return
        if isinstance(styles, bytes):
            if b"vanish" not in styles and b"webHidden" not in styles and b"vertAlign" not in styles:
                return  # nothing a style could hide or raise: no need to parse
            try:
                styles = safe_io.parse_xml(styles, "word/styles.xml")
            except RejectedFile as exc:
                if exc.kind == "xml_dtd":
                    raise
                return
        d = styles.find(f"{W}docDefaults/{W}rPrDefault/{RPR}")
        self.defaults = _props(d)
        for st in styles.iter(W + "style"):
            sid = st.get(W + "styleId")
            if not sid:
                continue
            based = st.find(W + "basedOn")
            self.own[sid] = (based.get(VAL) if based is not None else None, _props(st.find(RPR)))
            if st.get(W + "type") == "paragraph" and st.get(W + "default") in ("1", "true", "on"):
                self.default_paragraph = sid

    @property
    def matter(self) -> bool:
        """Can any style or the defaults hide or raise a run?"""
        return bool(self.defaults) or any(props for _, props in self.own.values())

    def resolved(self, sid: str | None) -> dict:
        """The style's props with those inherited through basedOn (nearer wins)."""
        got = self._resolved.get(sid)
        if got is not None:
            return got
        out: dict = {}
        seen: set = set()
        cur = sid
        while cur is not None and cur not in seen and cur in self.own:
            seen.add(cur)
            based, props = self.own[cur]
            for k, v in props.items():
                out.setdefault(k, v)
            cur = based
        self._resolved[sid] = out
        return out


def _style_of(el: etree._Element | None, holder: str, tag: str) -> str | None:
    if el is None:
        return None
    pr = el.find(holder)
    st = pr.find(tag) if pr is not None else None
    return st.get(VAL) if st is not None else None


def _effective(run: etree._Element, styles: StyleProps) -> dict:
    """The run's vanish / webHidden / vertAlign after direct formatting, run style, paragraph style, defaults."""
    out = dict(_props(run.find(RPR)))
    if styles.matter:
        for k, v in styles.resolved(_style_of(run, RPR, W + "rStyle")).items():
            out.setdefault(k, v)
        para = next(run.iterancestors(P), None)
        pstyle = _style_of(para, PPR, W + "pStyle") or styles.default_paragraph
        for k, v in styles.resolved(pstyle).items():
            out.setdefault(k, v)
        for k, v in styles.defaults.items():
            out.setdefault(k, v)
    return out


def _has_content(el: etree._Element) -> bool:
    for x in el.iter(*_CONTENT):
        if x.tag != T or (x.text and x.text.strip()):
            return True
    return False


def keep_visible(root: etree._Element, styles: bytes | etree._Element | None) -> int:
    """Remove from ``root`` everything Word does not show (see the module docstring); mark superscripts.

    Returns how many elements were removed (0 for the usual document: nothing hidden, nothing
    deleted, and then nothing but a few C-level searches was spent).
    """
    props = shared_styles(styles, StyleProps)
    # One C-level filtered pass finds every element that can hide, delete or raise text.
    hits = list(root.iter(*_GONE, *_PROPS, TRPR_HIDDEN, MC + "AlternateContent"))
    if not hits and not props.matter:
        return 0
    touched: list[etree._Element] = []  # the parents hidden or deleted content was taken from
    removed = 0
    rows, gone, runs, marks = [], [], {}, []
    for el in hits:
        tag = el.tag
        parent = el.getparent()
        if parent is None:
            continue
        if parent.tag == TRPR:
            if tag in (TRPR_HIDDEN, W + "del"):
                rows.append(parent.getparent())
        elif tag == MC + "AlternateContent":
            for extra in el.findall(MC + "Choice")[1:]:
                el.remove(extra)
        elif tag in _GONE:
            if parent.tag != RPR:  # a marker on a paragraph mark deletes no text
                gone.append(el)
        elif parent.tag == RPR and parent.getparent() is not None and parent.getparent().tag == R:
            runs[id(parent.getparent())] = parent.getparent()
        elif tag == VANISH and parent.tag == RPR and parent.getparent() is not None \
                and parent.getparent().tag == PPR and _props(parent).get(VANISH):
            marks.append(parent.getparent().getparent())  # a hidden paragraph mark: an empty paragraph is not shown
    for el in rows + gone:
        parent = el.getparent()
        if parent is not None:
            touched.append(parent)
            parent.remove(el)
            removed += 1
    for run in (list(root.iter(R)) if props.matter else list(runs.values())):
        eff = _effective(run, props)
        if eff.get(VANISH) or eff.get(WEB_HIDDEN):
            parent = run.getparent()
            if parent is not None:
                touched.append(parent)
                parent.remove(run)
                removed += 1
        elif eff.get(VERT_ALIGN) == "superscript":
            for t in run.iter(T):
                if t.text:
                    t.text = t.text.translate(SUPERSCRIPT)
    if removed or marks:
        _drop_emptied(touched + [m for m in marks if m is not None])
    return removed


def _drop_emptied(touched: list[etree._Element]) -> None:
    """Paragraphs, then tables, that hidden or deleted content left with nothing to show."""
    paras: dict[int, etree._Element] = {}
    for el in touched:
        p = el if el.tag == P else next(el.iterancestors(P), None)
        if p is not None:
            paras[id(p)] = p
    tables: dict[int, etree._Element] = {}
    for el in touched:
        for t in ([el] if el.tag == TBL else []) + list(el.iterancestors(TBL)):
            tables[id(t)] = t
    for p in paras.values():
        parent = p.getparent()
        if parent is None or _has_content(p):
            continue
        if parent.tag == TC and len(parent.findall(P)) == 1:
            continue  # a cell keeps one paragraph: it is an empty cell, not a missing one
        for t in p.iterancestors(TBL):
            tables[id(t)] = t
        parent.remove(p)
    for tbl in tables.values():
        parent = tbl.getparent()
        if parent is not None and not _has_content_beyond_structure(tbl):
            parent.remove(tbl)


def _has_content_beyond_structure(tbl: etree._Element) -> bool:
    """Does the table still show any text (tables nested in it count, empty paragraphs do not)?"""
    for x in tbl.iter(*_CONTENT):
        if x.tag == TBL:
            continue
        if x.tag != T or (x.text and x.text.strip()):
            return True
    return False


# -- heading styles ----------------------------------------------------------------------------


def int_val(el: etree._Element | None, default: int) -> int:
    """An element's integer ``w:val`` (``default`` when the element or its value is absent or not a number)."""
    if el is None:
        return default
    try:
        return int(el.get(VAL, default))
    except (TypeError, ValueError):
        return default


_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*\d|^title$", re.IGNORECASE)


_STYLE_ID = re.compile(rb'w:styleId="([^"]*)"')
_STYLE_NAME = re.compile(rb'<w:name\s+w:val="([^"]*)"')
_STYLE_BASED = re.compile(rb'<w:basedOn\s+w:val="([^"]*)"')
_STYLE_LVL = re.compile(rb'<w:outlineLvl\s+w:val="(\d+)"')


class HeadingStyles:
    """Paragraph style id → is it a heading (Heading N / 标题 N / an outline level 0-8).

    Resolved lazily, per style id a paragraph asks about: a filing uses a handful of the
    hundreds of styles Word declares, and reading them all cost as much as parsing the body.
    """

    def __init__(self, styles: etree._Element | bytes | None):
        self._info: dict[str, tuple[str, int | None, str | None]] = {}
        self._frags: dict[str, tuple[bytes, int]] | None = None  # style id → (piece, offset), parsed on demand
        self._heading: dict[str | None, bool] = {}
        if styles is None:
            return
        if isinstance(styles, bytes):
            self._frags = self._index(styles)
            if self._frags is None:
                try:
                    self._info = self._parse(safe_io.parse_xml(styles, "word/styles.xml"))
                except RejectedFile as exc:
                    if exc.kind == "xml_dtd":
                        raise
                    return  # a damaged styles part only costs us the style-based headings
        else:
            self._info = self._parse(styles)

    @staticmethod
    def _index(data: bytes) -> dict[str, tuple[bytes, int]] | None:
        """Where each style is in the bytes: Word's styles.xml is a few hundred KB that a full
        parse would spend more time on than the whole table walk.  Linear: split on the closing
        tags, then look only at the last opening tag of each piece (a later definition of the
        same id wins).  None if not prefixed 'w:'."""
        if b"<w:styles" not in data[:4096]:
            return None
        frags: dict[str, tuple[bytes, int]] = {}
        for piece in data.split(b"</w:style>"):
            at = piece.rfind(b"<w:style ")
            if at < 0:
                continue
            m = _STYLE_ID.search(piece, at)
            if m:
                frags[m.group(1).decode("utf-8", "replace")] = (piece, at)
        return frags

    def _get(self, sid: str | None) -> tuple[str, int | None, str | None] | None:
        info = self._info.get(sid)  # type: ignore[arg-type]
        if info is None and self._frags is not None and sid in self._frags:
            piece, at = self._frags[sid]
            name = _STYLE_NAME.search(piece, at)
            based = _STYLE_BASED.search(piece, at)
            lvl = _STYLE_LVL.search(piece, at)
            info = self._info[sid] = (
                name.group(1).decode("utf-8", "replace") if name else "",
                int(lvl.group(1)) if lvl else None,
                based.group(1).decode("utf-8", "replace") if based else None,
            )
        return info

    @staticmethod
    def _parse(root: etree._Element) -> dict[str, tuple[str, int | None, str | None]]:
        info: dict[str, tuple[str, int | None, str | None]] = {}
        for st in root.iter(W + "style"):
            sid = st.get(W + "styleId")
            if not sid:
                continue
            name_el = st.find(W + "name")
            name = (name_el.get(VAL) if name_el is not None else "") or ""
            lvl_el = st.find(f"{PPR}/{W}outlineLvl")
            lvl = int_val(lvl_el, 9) if lvl_el is not None else None
            based = st.find(W + "basedOn")
            info[sid] = (name, lvl, based.get(VAL) if based is not None else None)
        return info

    def is_heading(self, sid: str | None) -> bool:
        """Is paragraph style ``sid`` (or the style it is based on, and so on) a heading style?"""
        known = self._heading.get(sid)
        if known is not None:
            return known
        result = False
        seen = set()
        cur = sid
        while cur not in seen:
            info = self._get(cur)
            if info is None:
                break
            seen.add(cur)
            name, lvl, based = info
            if _HEADING_NAME.match(name.strip()) or (lvl is not None and 0 <= lvl <= 8):
                result = True
                break
            if lvl is not None:  # an explicit body-text level stops the inheritance
                break
            cur = based
        self._heading[sid] = result
        return result


def shared_styles(styles: etree._Element | bytes | None, cls: type):
    """``cls(styles)`` (:class:`StyleProps` or :class:`HeadingStyles`), shared by the filings whose styles part
    has the same bytes: a template's styles.xml is some 350 KB that every filing of it repeats, and only scanning
    it costs ~0.8 ms a filing.  Both classes are pure functions of the bytes (what they fill in later is a cache
    of them), and a match is the same bytes, compared in full."""
    if not isinstance(styles, bytes) or len(styles) < 4096:
        return cls(styles)
    memo_key = (cls, len(styles), styles[-512:])
    held = _MEMO.get(memo_key)
    if held is not None and held[0] == styles:
        return held[1]
    made = cls(styles)
    if len(_MEMO) >= 16:
        _MEMO.clear()
    _MEMO[memo_key] = (styles, made)
    return made


# (class, size, last bytes) → (the styles bytes, what the class made of them)
_MEMO: dict[tuple, tuple[bytes, object]] = {}
