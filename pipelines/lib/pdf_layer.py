"""The text layer of a PDF page — characters with their boxes and the ruling lines — read with PDFium.

``pdf_reader`` builds tables and paragraphs from geometry; this module gives it that geometry at the
speed of PDFium (C, via pypdfium2) instead of pdfminer (pure Python): ~20× faster per page.

What a page gives (:class:`PageLayer`), in the top-down coordinates pdfplumber used (origin at the
top-left of the page as displayed, so ``/Rotate`` and a MediaBox not at 0,0 are applied):

- ``chars``: every character a viewer shows, with the box pdfminer gives it (origin to advance
  width; from the baseline's descent to one em above), its font size, in content order.  A character
  a viewer does not show is never read: text render mode 3 (invisible) or 7 (clip only), a fill
  alpha of 0, or a colour equal to what lies under it (white on the page, or the colour of the filled
  shape it is painted on).  Nor is a line of text drawn wholly outside what the viewer paints: outside the
  page's crop box, or outside its clip path (an exporter that draws a cell's whole text and clips it to the
  cell, or a text frame's whole text on every page it spans and clips it to the page's part; see
  :func:`_unclipped`).  ``hidden`` counts them.
- ``edges``: the horizontal and vertical ruling edges of painted, non-white paths, exactly as
  pdfplumber derives them from pdfminer's lines, rectangles and curves (a rectangle gives its four
  sides, a line itself, a curve each segment between its points).

``pdf_tables.find_tables`` finds the ruled tables in those edges.  PDFium's C functions come from
``pdf_pdfium``.
"""

from __future__ import annotations

import bisect
import ctypes
import functools
from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipelines.lib import pdf_pdfium as C

# Render modes that paint nothing: 3 invisible (OCR layers, hidden copies), 7 add to the clip only.
_UNPAINTED_MODES = {pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE, pdfium_c.FPDF_TEXTRENDERMODE_CLIP}
_STROKE_ONLY_MODES = {pdfium_c.FPDF_TEXTRENDERMODE_STROKE, pdfium_c.FPDF_TEXTRENDERMODE_STROKE_CLIP}
_WHITE = (255, 255, 255)
_SAME_COLOUR = 8  # of 255 per channel: a glyph this close to its background cannot be told from it

# ---------------------------------------------------------------------------------------------
# What a page gives


class Char(NamedTuple):
    """One visible character, in top-down page coordinates (pdfplumber's ``x0, x1, top, bottom``).

    A named tuple: a page has hundreds of them and the layer makes them with ``tuple.__new__`` (C), a third of
    what a dataclass's ``__init__`` (Python) costs per character."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass(slots=True)
class PageLayer:
    number: int  # 1-based
    width: float
    height: float
    chars: list[Char]
    # (orientation 'h'|'v', x0, top, x1, bottom) of visible painted paths, as pdfplumber's page.edges
    edges: list[tuple[str, float, float, float, float]] = field(default_factory=list)
    painted: bool = False  # the page paints any path (pdfplumber's rects/lines/curves non-empty)
    hidden: int = 0  # characters left out because a viewer does not show them
    n_chars: int = 0  # characters PDFium's text layer has, shown or not (0: a scan, or damaged text)
    n_text_objects: int = 0
    n_images: int = 0
    sideways: bool = False  # most of its text is drawn turned on its side as a viewer shows the page (no /Rotate)


def _mul(m: tuple, n: tuple) -> tuple:
    """m then n: the matrix product of two PDF matrices (a b c d e f)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _page_matrix(page: pdfium.PdfPage, turn: int = 0) -> tuple[tuple, float, float]:
    """pdfminer's device matrix for a page (rotation, MediaBox origin) and the page's displayed size; ``turn``: degrees
    the page is turned clockwise on top of its own /Rotate."""
    x0, y0, x1, y1 = page.get_mediabox()
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    rotation = (page.get_rotation() + turn) % 360
    if rotation == 90:
        ctm = (0.0, -1.0, 1.0, 0.0, -y0, x1)
    elif rotation == 180:
        ctm = (-1.0, 0.0, 0.0, -1.0, x1, y1)
    elif rotation == 270:
        ctm = (0.0, 1.0, -1.0, 0.0, y1, -x0)
    else:
        ctm = (1.0, 0.0, 0.0, 1.0, -x0, -y0)
    w, h = x1 - x0, y1 - y0
    return ctm, (h if rotation in (90, 270) else w), (w if rotation in (90, 270) else h)


_RGBA = (ctypes.c_uint * 4)()  # r, g, b, a: read back in one step, as a tuple
_RGBA_REFS = tuple(ctypes.byref(_RGBA, 4 * k) for k in range(4))
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_TEXT, _PATH, _IMAGE, _SHADING, _FORM = C.TEXT, C.PATH, C.IMAGE, C.SHADING, C.FORM
_MOVETO, _BEZIERTO = C.MOVETO, C.BEZIERTO
_new_char = tuple.__new__  # Char(...) without the Python-level __new__ of a named tuple
_BY_TOP, _BY_X0 = itemgetter(3), itemgetter(1)  # a Char's top, x0


_BOUNDS = (ctypes.c_float * 4)()  # left, bottom, right, top: read back in one step
_BOUNDS_REFS = tuple(ctypes.byref(_BOUNDS, 4 * k) for k in range(4))


def _bounds(obj: C.Handle) -> tuple[float, float, float, float] | None:
    """(left, bottom, right, top) of a page object, or None."""
    if not C.obj_bounds(obj, *_BOUNDS_REFS):
        return None
    return tuple(_BOUNDS[:])


def _near_white(rgba: tuple | None) -> bool:
    """pdf_reader's old rule for rules drawn in white: every channel ≥ 98 %."""
    return rgba is not None and rgba[0] >= 250 and rgba[1] >= 250 and rgba[2] >= 250


def read_page(page: pdfium.PdfPage, number: int) -> PageLayer:
    """The characters a viewer shows and the ruling edges of one page.  A page whose text a viewer shows running up or
    down the page (a landscape page drawn on an upright one, not turned by /Rotate) is read turned upright, and says
    so (``sideways``)."""
    layer, up = _read_page(page, number, 0)
    if layer.sideways:
        layer, _ = _read_page(page, number, 90 if up else 270)
        layer.sideways = True
    return layer


def _read_page(page: pdfium.PdfPage, number: int, turn: int) -> tuple[PageLayer, bool]:
    """:func:`read_page` with the page turned ``turn`` degrees clockwise; whether its turned text runs up."""
    ctm, width, height = _page_matrix(page, turn)
    textpage = page.get_textpage()
    try:
        tp = ctypes.cast(textpage.raw, ctypes.c_void_p)
        walk = _Walk(ctm, height, tp, _transform_box(ctm, *_crop_box(page)))
        walk.objects(ctypes.cast(page.raw, ctypes.c_void_p), None, _IDENTITY)
        n = C.count_chars(tp)
        chars, hidden = _chars(tp, n, walk, ctm, height)
    finally:
        textpage.close()
    n_texts = len(walk.texts) if n > 0 else _drawing_texts(walk.texts)
    sideways = walk.inked >= _MIN_SIDEWAYS and 2 * len(walk.turned) > walk.inked
    return PageLayer(number, width, height, chars, walk.edges, walk.painted, hidden, max(n, 0), n_texts, walk.images,
                     sideways), 2 * sum(walk.turned.values()) > len(walk.turned)


_MIN_SIDEWAYS = 5  # text objects drawn turned, at least, that make a page's text run sideways (not a stamp, a margin)


def _crop_box(page: pdfium.PdfPage) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of what a viewer shows of the page: its CropBox (the MediaBox when none)."""
    x0, y0, x1, y1 = page.get_cropbox()
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _drawing_texts(texts) -> int:
    """How many of a page's text objects draw something: LibreOffice writes an empty text object (bounds of
    zero area) for each blank paragraph, so a last page holding only blank paragraphs draws no text at all —
    it is not a page whose text cannot be read."""
    drawing = 0
    for _, _, _, _, obj, _ in texts.values():
        b = _bounds(obj)
        if b and (b[2] > b[0] or b[3] > b[1]):
            drawing += 1
    return drawing


class _Walk:
    """Every page object in painting order, into forms: how text objects paint, the areas filled
    under them, and the ruling edges."""

    def __init__(self, ctm: tuple, height: float, textpage: ctypes.c_void_p, shown: tuple | None = None) -> None:
        self.ctm = ctm
        self.textpage = textpage
        self.height = height
        # what a viewer paints of the page, in device space (x0, y0, x1, y1), y up: its crop box
        self.shown = shown if shown is not None else (-_FAR, -_FAR, _FAR, _FAR)
        self._clips: dict = {}  # a clip path's identity -> its box in device space (see clip_box)
        self.z = 0
        self.images = 0
        self.inked = 0  # text objects showing a character other than a space (set by _chars)
        self.turned: dict[int, bool] = {}  # of them, those whose text runs up (True) or down the page as shown
        self.painted = False
        self.texts: dict[int, tuple] = {}  # text object's address -> (render mode, rgba, z, form matrix, handle)
        # filled areas a glyph can sit on: (x0, y0, x1, y1) in device space (y up), rgb or None, z
        self.areas: list[tuple[float, float, float, float, tuple | None, int]] = []
        self.edges: list[tuple[str, float, float, float, float]] = []
        self._m = C.MatrixArray()
        self._m_ref = ctypes.byref(self._m)
        self._modes = (ctypes.c_int(), ctypes.c_int())
        self._modes_ref = tuple(ctypes.byref(v) for v in self._modes)
        self._point = (ctypes.c_float(), ctypes.c_float())
        self._point_ref = tuple(ctypes.byref(v) for v in self._point)

    def objects(self, page: ctypes.c_void_p, form: C.Handle | None, base: tuple, shown: tuple | None = None) -> None:
        """The objects of the page, or of a form object (``base`` maps its space to the page's; ``shown`` is the
        part of the page its enclosing forms' clip paths let show, in device space)."""
        shown = self.shown if shown is None else shown
        n = C.form_count(form) if form is not None else C.count_objects(page)
        m, m_ref = self._m, self._m_ref
        ctm = self.ctm
        # top level: a path's matrix times the identity is the matrix itself (exactly), so skip that product
        top = base == _IDENTITY
        texts, path = self.texts, self.path
        obj_type, render_mode, fill_color, stroke_color = C.obj_type, C.render_mode, C.fill_color, C.stroke_color
        rgba = _RGBA
        rr, rg, rb, ra = _RGBA_REFS
        z = self.z  # the painting order, kept in a local (a page has hundreds of objects) and handed back below
        for i in range(n):
            obj = C.form_object(form, ctypes.c_ulong(i)) if form is not None else C.get_object(page, i)
            if not obj:
                continue
            kind = obj_type(obj)
            z += 1
            if kind == _TEXT:
                mode = render_mode(obj)
                # its colour, read inline: a page of Word or WPS output has a text object per character
                if (stroke_color if mode in _STROKE_ONLY_MODES else fill_color)(obj, rr, rg, rb, ra):
                    colour = tuple(rgba[:])
                else:
                    colour = None
                texts[obj.value] = (mode, colour, z, base, obj, shown)
                continue
            self.z = z
            if kind == _PATH:
                C.obj_matrix(obj, m_ref)
                mat = m[:]
                path(obj, _mul(mat if top else _mul(mat, base), ctm))
            elif kind in (_IMAGE, _SHADING):
                self.images += kind == _IMAGE
                b = _bounds(obj)
                if b:
                    # bounds are in the enclosing (form) space; an image's colours are unknown
                    box = _transform_box(_mul(base, ctm), *b)
                    self.areas.append((*box, None, z))
            elif kind == _FORM:
                C.obj_matrix(obj, m_ref)
                inner = _mul(m[:], base)
                self.objects(page, obj, inner, self.clip_box(obj, base, shown))
                z = self.z
        self.z = z

    def clip_box(self, obj: C.Handle, base: tuple, shown: tuple) -> tuple:
        """The box, in device space, a page object's clip path lets show of ``shown``: the intersection of the
        bounding boxes of the clip's paths (a clip path is most often one or two rectangles; of any other
        shape its bounding box is taken, so nothing it shows is missed).

        Objects painted under one graphics state share one clip path in PDFium: the handle of a path's first
        point is the same for them, so a page with a text object per character reads each clip once.  A clip path
        is told by its number of paths and its last path: PDFium makes each path a clip operator adds once, and
        appends it to the clip then in force (or to that clip less its last rectangle, where the new one lies inside
        it), so the paths before it are the ones that clip had — a nested clip is read once too, not path by path."""
        clip = C.obj_clip(obj)
        if not clip:
            return shown
        n = C.clip_count(clip)
        if n <= 0:
            return shown
        segment = C.clip_segment
        key = segment(clip, n - 1, 0).value if n == 1 else (n, segment(clip, n - 1, 0).value)
        if (base is not _IDENTITY and base != _IDENTITY) or shown is not self.shown:  # in a form: its matrix, clip
            key = (key, base, shown)
        box = self._clips.get(key)
        if box is None:
            x, y = self._point
            rx, ry = self._point_ref
            dev = _mul(base, self.ctm)
            x0, y0, x1, y1 = shown
            for p in range(n):
                xs, ys = [], []
                for k in range(C.clip_path_segments(clip, p)):
                    C.segment_point(segment(clip, p, k), rx, ry)
                    xs.append(x.value)
                    ys.append(y.value)
                if xs:
                    bx0, by0, bx1, by1 = _transform_box(dev, min(xs), min(ys), max(xs), max(ys))
                    x0, y0, x1, y1 = max(x0, bx0), max(y0, by0), min(x1, bx1), min(y1, by1)
            box = self._clips[key] = (x0, y0, x1, y1)
        return box

    def path(self, obj: C.Handle, dev: tuple) -> None:
        """One path object: its subpaths classified as pdfminer does (line, rectangle, curve), their edges."""
        fill_mode, stroke_flag = self._modes
        C.draw_mode(obj, *self._modes_ref)
        fill, stroke = bool(fill_mode.value), bool(stroke_flag.value)
        if not (fill or stroke):
            return
        self.painted = True
        # its colours (r, g, b, a), or None where PDFium has none
        rr, rg, rb, ra = _RGBA_REFS
        fill_rgba = tuple(_RGBA[:]) if fill and C.fill_color(obj, rr, rg, rb, ra) else None
        stroke_rgba = tuple(_RGBA[:]) if C.stroke_color(obj, rr, rg, rb, ra) else None
        a, b, c, d, e, f = dev
        fx, fy = self._point
        rfx, rfy = self._point_ref
        get_segment, segment_type, segment_point = C.get_segment, C.segment_type, C.segment_point
        subpaths: list[tuple[str, list[tuple[float, float]]]] = []
        ops: list[str] = []
        pts: list[tuple[float, float]] = []
        bez = 0
        n = C.count_segments(obj)
        seg = get_segment(obj, 0) if n > 0 else None
        t = segment_type(seg) if n > 0 else _MOVETO
        for i in range(n):
            # this segment's type is known; the next one's decides whether this one ends a subpath
            if i + 1 < n:
                nxt = get_segment(obj, i + 1)
                t_next = segment_type(nxt)
            else:
                nxt, t_next = None, _MOVETO
            if t == _MOVETO:
                segment_point(seg, rfx, rfy)
                x, y = fx.value, fy.value
                if ops:
                    subpaths.append(("".join(ops), pts))
                ops, pts, bez = ["m"], [(a * x + c * y + e, b * x + d * y + f)], 0
            elif ops:
                if t == _BEZIERTO:
                    bez += 1
                    op = "c" if not bez % 3 else None  # control points: pdfminer keeps a curve's end point only
                else:
                    op = "l"
                if op is not None:
                    segment_point(seg, rfx, rfy)
                    x, y = fx.value, fy.value
                    p = (a * x + c * y + e, b * x + d * y + f)
                    # PDFium marks the closing of a subpath on its last point
                    if t_next == _MOVETO and C.segment_close(seg):
                        if p != pts[0]:
                            ops.append(op)
                            pts.append(p)
                        ops.append("h")  # pdfminer's 'h': back to the start
                        pts.append(pts[0])
                    else:
                        ops.append(op)
                        pts.append(p)
            seg, t = nxt, t_next
        if ops:
            subpaths.append(("".join(ops), pts))
        if fill and fill_rgba is not None and fill_rgba[3]:
            xs = [x for _, sp in subpaths for x, _ in sp]
            ys = [y for _, sp in subpaths for _, y in sp]
            if xs and max(xs) - min(xs) >= _MIN_AREA and max(ys) - min(ys) >= _MIN_AREA:
                rgb = fill_rgba[:3] if fill_rgba[3] == 255 else None  # translucent: colour unknown
                self.areas.append((min(xs), min(ys), max(xs), max(ys), rgb, self.z))
        visible_line = not _near_white(stroke_rgba)
        visible_area = (fill and not _near_white(fill_rgba)) or (stroke and not _near_white(stroke_rgba))
        if visible_line or visible_area:
            edges, height = self.edges, self.height
            for shape, sp in subpaths:
                _subpath_edges(shape, sp, visible_line, visible_area, edges, height)


_MIN_AREA = 2.0  # points: a filled shape thinner than this is a rule, not a background
_FAR = 1e9  # no bound


def _transform_box(mat: tuple, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
    a, b, c, d, e, f = mat
    xs, ys = [], []
    for x, y in ((x0, y0), (x0, y1), (x1, y0), (x1, y1)):
        xs.append(a * x + c * y + e)
        ys.append(b * x + d * y + f)
    return min(xs), min(ys), max(xs), max(ys)


def _subpath_edges(shape: str, pts: list, visible_line: bool, visible_area: bool, edges: list, height: float) -> None:
    """pdfminer's classification of one subpath and pdfplumber's edges of it."""
    if len(shape) < 2:
        return
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts = pts[:-2] + pts[-1:]
    if shape in ("mlh", "ml"):
        if not visible_line:
            return
        (x0, y0), (x1, y1) = pts[0], pts[1]
        top, bottom = height - max(y0, y1), height - min(y0, y1)
        # pdfplumber: a line is horizontal when its top equals its bottom, else vertical (equal within _SQUARE: a page
        # drawn turned, its matrix's cos 90° printed as 6.1e-17, leaves its rules a hair off square)
        edges.append(("h" if bottom - top <= _SQUARE else "v", min(x0, x1), top, max(x0, x1), bottom))
        return
    if not visible_area:
        return
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        if _near(pts[0], pts[4]) and (
            (_eq(x0, x1) and _eq(y1, y2) and _eq(x2, x3) and _eq(y3, y0))
            or (_eq(y0, y1) and _eq(x1, x2) and _eq(y2, y3) and _eq(x3, x0))
        ):
            left, right = min(x0, x2), max(x0, x2)
            top, bottom = height - max(y0, y2), height - min(y0, y2)
            edges.append(("h", left, top, right, top))
            edges.append(("h", left, bottom, right, bottom))
            edges.append(("v", left, top, left, bottom))
            edges.append(("v", right, top, right, bottom))
            return
    for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
        if _eq(x0, x1):
            edges.append(("v", x0, height - max(y0, y1), x0, height - min(y0, y1)))
        elif _eq(y0, y1):
            edges.append(("h", min(x0, x1), height - y0, max(x0, x1), height - y0))


_SQUARE = 1e-6  # points: two coordinates this close are one (float noise of a turned matrix), far below any rule's width


def _eq(a: float, b: float) -> bool:
    return abs(a - b) <= _SQUARE


def _near(p: tuple, q: tuple) -> bool:
    return _eq(p[0], q[0]) and _eq(p[1], q[1])


_NO_BYTES = ctypes.c_ulong(0)


def _blank(obj: C.Handle, tp: ctypes.c_void_p) -> bool:
    """Whether PDFium's text of a text object is empty or spaces only."""
    size = C.obj_text(obj, tp, None, _NO_BYTES)  # bytes of UTF-16 with the final NUL
    if size <= 2:
        return True
    if size > 34:
        return False
    buf = (ctypes.c_uint16 * (size // 2))()
    C.obj_text(obj, tp, buf, ctypes.c_ulong(size))
    return not bytes(buf).decode("utf-16-le", "replace").strip("\x00 \u3000\xa0")


def _blanks(walk: _Walk, inked: set, ctm: tuple) -> list[tuple[float, float, float, float]]:
    """Spaces the file draws as text objects of their own, which PDFium folds into one or leaves out
    of its text: (x0, y, x1, y) along their baseline in device space.  pdfminer read them, and
    pdf_reader keeps a space the file spells out."""
    out = []
    for key, (mode, _, _, base, obj, _) in walk.texts.items():
        if key in inked or mode in _UNPAINTED_MODES:
            continue
        b = _bounds(obj)
        if b is None:
            continue
        left, bottom, right, top = b
        if top - bottom < 0.5 and _blank(obj, walk.textpage):  # no ink: spaces only, on their baseline
            out.append(_transform_box(_mul(base, ctm), left, bottom, right, bottom))
    return out


def _page_text(tp: ctypes.c_void_p, n: int) -> str:
    buf = (ctypes.c_uint16 * (n + 1))()
    got = C.get_text(tp, 0, n, buf)
    text = ctypes.string_at(buf, max(got - 1, 0) * 2).decode("utf-16-le", "surrogatepass")
    if len(text) == n:
        return text
    # characters outside the BMP take two code units: ask for them one by one
    return "".join(chr(C.get_unicode(tp, i)) for i in range(n))


def _chars(tp: ctypes.c_void_p, n: int, walk: _Walk, ctm: tuple, height: float) -> tuple[list[Char], int]:
    """Every character a viewer shows, with pdfminer's box; and how many were left out.

    Three calls into PDFium a character (its text object, origin and loose box); what a text object gives its
    characters (matrix, size, font descent, colour check, clip box, and the products the boxes need) is worked out
    once per object (:func:`_object_props`), and a line's vertical extent once per baseline."""
    if n <= 0:
        return [], 0
    text = _page_text(tp, n)
    out: list[Char] = []
    hidden = 0
    ox, oy = ctypes.c_double(), ctypes.c_double()
    box = C.RectF()
    r_ox, r_oy, r_box = ctypes.byref(ox), ctypes.byref(oy), ctypes.byref(box)
    mat = C.MatrixArray()
    mat_ref = (mat, ctypes.byref(mat))
    info: dict = {}  # text object -> its properties, or None when it paints nothing
    inked: set = set()  # text objects with a character other than a space
    turned: dict = {}  # text objects whose baseline runs up (True) or down the page as shown
    descents: dict = {}  # (font, size) -> descent
    area_colours: dict = {"areas": {a[4] for a in walk.areas if a[4] is not None}}  # + colour -> risky
    ca, cb, cc, cd, ce, cf = ctm
    plain = ca == 1.0 and cb == 0.0 and cc == 0.0 and cd == 1.0
    texts, areas = walk.texts, walk.areas
    char_object, char_origin, loose_box, is_generated = C.char_object, C.char_origin, C.loose_box, C.is_generated
    append = out.append
    last_obj = -1
    props = None
    simple = False
    last_y = None  # the baseline whose extent (Y0, Y1, top, bottom, size, cy) is known, in the simple case
    Y0 = Y1 = top = bottom = size = cy = 0.0
    cut: list[tuple[int, tuple]] = []  # (index in out, clip box) of characters outside what their clip shows
    clip_box = walk.clip_box
    for i in range(n):
        t = text[i]
        if t == " ":
            if is_generated(tp, i):
                continue  # a space PDFium guessed from a gap; pdf_reader judges gaps itself
        elif t in "\r\n":
            continue
        obj = char_object(tp, i)
        if obj != last_obj:
            last_obj = obj
            props = info.get(obj, False)
            if props is False:
                props = info[obj] = _object_props(tp, i, obj, mat_ref, texts, area_colours, descents, clip_box, ctm,
                                                  plain)
            if props is not None:
                simple, cfd, dfd, cf1, df1, ux, uy, upright, check, clip, rise = props
                kx0, ky0, kx1, ky1 = clip
                if rise is not None:  # the baseline, as shown, runs up or down the page
                    turned[obj] = rise
                last_y = None
        if props is None:
            hidden += 1
            continue
        if t != " ":
            inked.add(obj)
        char_origin(tp, i, r_ox, r_oy)
        loose_box(tp, i, r_box)
        if simple:
            # the common case, left-to-right text on a page without /Rotate: the products by 1 and 0 are exact, so
            # they are left out (the same floats, up to the sign of a zero); a baseline's extent is worked out once
            x = ox.value
            X0 = x + cfd + ce
            X1 = x + (box.right - box.left) + cf1 + ce
            if X1 < X0:
                X0, X1 = X1, X0
            y = oy.value
            if y != last_y:
                last_y = y
                Y0 = y + dfd + cf
                Y1 = y + df1 + cf
                if Y1 < Y0:
                    Y0, Y1 = Y1, Y0
                top, bottom, size, cy = height - Y1, height - Y0, Y1 - Y0, (Y0 + Y1) * 0.5
        else:
            x, y = ox.value, oy.value
            adv = box.right - box.left if upright else box.top - box.bottom
            # pdfminer's glyph box: origin to advance, from the descent to one em above it
            px0, py0 = x + cfd, y + dfd
            px1, py1 = x + ux * adv + cf1, y + uy * adv + df1
            X0, Y0 = ca * px0 + cc * py0 + ce, cb * px0 + cd * py0 + cf
            X1, Y1 = ca * px1 + cc * py1 + ce, cb * px1 + cd * py1 + cf
            if X1 < X0:
                X0, X1 = X1, X0
            if Y1 < Y0:
                Y0, Y1 = Y1, Y0
            top, bottom, size, cy = height - Y1, height - Y0, Y1 - Y0, (Y0 + Y1) * 0.5
        if check is not None and not _shows(check, X0, Y0, X1, Y1, areas):
            hidden += 1
            continue
        cx = (X0 + X1) * 0.5
        if cx < kx0 or cx > kx1 or cy < ky0 or cy > ky1:
            cut.append((len(out), clip))
        append(_new_char(Char, (t, X0, X1, top, bottom, size)))
    if cut:
        out, dropped = _unclipped(out, cut, height)
        hidden += dropped
    walk.inked, walk.turned = len(inked), {k: v for k, v in turned.items() if k in inked}
    if len(inked) < len(walk.texts):
        blanks = _blanks(walk, inked, ctm)
        if blanks:
            out.extend(_spaces(out, blanks, height))
    return out, hidden


# what can make or change a figure: never read where the viewer does not show it (a figure in brackets is negative,
# but only with its opening bracket: a label's closing bracket, cut by its cell, is read — 西安 3、机关资本性支出（一）)
_FIGURE_MARKS = frozenset("0123456789０１２３４５６７８９-−－–—△+＋.．,，(（%％")


def _unclipped(chars: list[Char], cut: list[tuple[int, tuple]], height: float) -> tuple[list[Char], int]:
    """The characters without the lines of text their clip path hides, and how many were left out.

    A character whose centre lies outside the box its clip path (and the crop box) lets show is left out when
    nothing of its line shows there either: the lines of a cell's text an exporter drew past the cell's foot
    and clipped, or a text frame's lines drawn again on the next page above its top.  A line the clip cuts
    through (a label running on past its cell's edge, a centred heading wider than its cell) shows in part:
    it is read whole, as before, so the label keeps its last characters — what the label says, not where the
    cell cuts it off.  Never a figure's digit or sign, though: a minus or a digit the clip hides beside a figure
    that shows would change the figure (the hostile PDFs of ``tests/hostile``)."""
    by_clip: dict[tuple, list[int]] = {}
    for i, clip in cut:
        by_clip.setdefault(clip, []).append(i)
    cut_at = {i for i, _ in cut}
    drop: set[int] = set()
    for (x0, y0, x1, y1), idxs in by_clip.items():
        top, bottom = height - y1, height - y0
        # the vertical middles and heights of the characters that show inside this clip's box, by middle
        shown = sorted(((c.top + c.bottom) * 0.5, c.bottom - c.top) for k, c in enumerate(chars)
                       if k not in cut_at and x0 <= (c.x0 + c.x1) * 0.5 <= x1 and top <= (c.top + c.bottom) * 0.5 <= bottom)
        mids = [m for m, _ in shown]
        for i in idxs:
            c = chars[i]
            mid, tall = (c.top + c.bottom) * 0.5, c.bottom - c.top
            if c.text in _FIGURE_MARKS or not _beside(mid, tall, shown, mids):
                drop.add(i)
    if not drop:
        return chars, 0
    return [c for k, c in enumerate(chars) if k not in drop], len(drop)


def _beside(mid: float, tall: float, shown: list[tuple[float, float]], mids: list[float]) -> bool:
    """Whether a character of this middle and height stands on the line of one of ``shown`` (middle, height; sorted):
    the middles within half the lower of the two heights.  Only those whose middle lies within half its own height
    (and a hair, for rounding) can: they are found by bisection, not by a scan of the page's characters."""
    reach = 0.5 * tall + 1e-6 * (abs(mid) + 1.0)
    lo, hi = mid - reach, mid + reach
    if not (lo <= hi and abs(lo) < _FAR and abs(hi) < _FAR):  # NaN or infinite: look at every one, as before
        return any(abs(mid - m) <= 0.5 * min(tall, h) for m, h in shown)
    start, end = bisect.bisect_left(mids, lo), bisect.bisect_right(mids, hi)
    return any(abs(mid - m) <= 0.5 * min(tall, h) for m, h in shown[start:end])


def _spaces(chars: list[Char], blanks: list, height: float) -> list[Char]:
    """A space in each gap between two characters of a line that a run of drawn spaces covers.

    PDFium keeps one space of a run and reports the rest nowhere; only the run's extent is known (to
    the origin of its last space, so it reaches about half an em further)."""
    lines = sorted(chars, key=_BY_TOP)
    tops = [c.top for c in lines]
    # a character holding the baseline starts at most its height above it: look that far up (at most 100 pt),
    # not through every character of the 100 pt above
    reach = min(100.0, max((c.bottom - c.top for c in lines), default=0.0) + 1.0)
    out = []
    gaps_at: dict[float, list] = {}  # a baseline -> the gaps between its characters (a line's runs share it)
    for x0, y, x1, _ in blanks:
        ty = height - y
        gaps = gaps_at.get(ty)
        if gaps is None:
            lo = bisect.bisect_left(tops, ty - reach)
            row = sorted(
                (c for c in lines[lo : bisect.bisect_right(tops, ty + 1)] if c.top <= ty <= c.bottom and c.text.strip()),
                key=_BY_X0,
            )
            gaps = gaps_at[ty] = [(p, q) for p, q in zip(row, row[1:], strict=False) if not q.x0 - p.x1 <= -0.5]
        for p, q in gaps:
            # the run starts in this gap, or the gap lies inside the run
            if p.x1 - 0.5 <= x0 <= q.x0 + 0.5 or (p.x1 >= x0 - 1 and q.x0 <= x1 + 0.6 * max(q.size, 1.0)):
                out.append(Char(" ", (p.x1 + q.x0) / 2, (p.x1 + q.x0) / 2, ty, ty, 0.0))
    return out


def _object_props(
    tp: ctypes.c_void_p, i: int, obj: int | None, mat_ref: tuple, texts: dict, area_colours: dict, descents: dict,
    clip_box, ctm: tuple, plain: bool,
):
    """Per text object (``obj``: its address; ``i``: one of its characters): what its characters' boxes need —
    whether it is the simple case (left to right on a page without /Rotate), the descent's and the em's offsets
    along its matrix, the advance's direction, what to check of its colour, the box (device space) its clip path
    lets show, and whether its baseline runs up (True) or down (False) the page as shown (None: across); None when
    it paints nothing (render mode 3 or 7, or fully transparent)."""
    if not obj:
        return None
    mode, colour, z, base, handle, shown = texts.get(obj, (0, None, 0, None, None, None))
    if mode in _UNPAINTED_MODES or (colour is not None and colour[3] == 0):
        return None
    if handle is None:
        handle = C.Handle(obj)
    mat, ref = mat_ref  # the matrix and a byref of it, made once a page
    C.char_matrix(tp, i, ref)
    fs = C.char_font_size(tp, i)
    font = C.text_font(handle)
    key = (font.value, fs)
    desc = descents.get(key)
    if desc is None:
        desc = 0.0
        if font and fs:
            out = ctypes.c_float()
            if C.font_descent(font, ctypes.c_float(fs), ctypes.byref(out)):
                desc = out.value / fs
        descents[key] = desc
    check = None
    if colour is not None:
        rgb = colour[:3]
        # only a glyph that could match what it sits on (white paper, or a filled area) needs a look
        risky = area_colours.get(rgb)
        if risky is None:
            risky = area_colours[rgb] = _same(rgb, _WHITE) or any(_same(rgb, c) for c in area_colours["areas"])
        if risky:
            check = (rgb, z)
    clip = clip_box(handle, base, shown) if base is not None else (-_FAR, -_FAR, _FAR, _FAR)
    a, b, c, d, _, _ = mat[:]
    ca, cb, cc, cd, _, _ = ctm
    upright = abs(a) >= abs(b)
    rise = cb * a + cd * b
    ux = (1.0 if a >= 0 else -1.0) if upright else 0.0
    uy = 0.0 if upright else (1.0 if b >= 0 else -1.0)
    return (
        plain and ux == 1.0,
        c * fs * desc, d * fs * desc, c * fs * (desc + 1), d * fs * (desc + 1),
        ux, uy, upright, check, clip,
        rise > 0 if abs(rise) > abs(ca * a + cc * b) else None,
    )


def _same(p: tuple, q: tuple) -> bool:
    return all(abs(u - v) <= _SAME_COLOUR for u, v in zip(p, q, strict=True))


def _shows(check: tuple, x0: float, y0: float, x1: float, y1: float, areas: list) -> bool:
    """Whether a glyph of this colour differs from what lies under it: the last area painted before it
    that holds its centre, else the white page."""
    colour, z = check
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    under: tuple | None = _WHITE
    for ax0, ay0, ax1, ay1, rgb, az in areas:
        if az >= z:
            break
        if ax0 <= cx <= ax1 and ay0 <= cy <= ay1:
            under = rgb  # painted later, so on top of any earlier one
    if under is None:
        return True  # on an image or a translucent shape: assume it shows
    return not _same(colour, under)


# --- fonts a PDF does not embed ----------------------------------------------------------------------------------

# The fonts every PDF reader draws without the PDF embedding them (PDFium carries its own stand-ins for these)
_STANDARD_FONTS = ("Courier", "Helvetica", "Arial", "Times", "Symbol", "ZapfDingbats")


def unembedded_fonts(page: pdfium.PdfPage) -> set[str]:
    """The names of the fonts a page's text objects print in that the PDF does not embed, but the standard 14 (whose
    stand-ins PDFium carries): PDFium draws those with a font of this machine's (:func:`cjk_stand_in`).  The page's
    own text objects, not those inside its forms."""
    names: set[str] = set()
    handle = ctypes.cast(page.raw, ctypes.c_void_p)
    for i in range(C.count_objects(handle)):
        obj = C.get_object(handle, i)
        if C.obj_type(obj) != C.TEXT:
            continue
        font = C.text_font(obj)
        if not font.value or C.font_embedded(font):
            continue
        size = C.font_name(font, None, ctypes.c_size_t(0))
        buf = ctypes.create_string_buffer(max(size, 1))
        C.font_name(font, buf, ctypes.c_size_t(size))
        name = buf.value.decode("latin-1")
        if not name.split("+")[-1].startswith(_STANDARD_FONTS):
            names.add(name)
    return names


def _probe_pdf() -> bytes:
    """One page printing 无 in STSong-Light — one of the Adobe Chinese fonts PDFs name without embedding (iText's
    default) — through the UniGB-UCS2-H encoding."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        None,  # the content stream
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 "
        b"/Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    content = b"BT /F1 12 Tf 50 100 Td <65e0> Tj ET"
    objects[3] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@functools.cache
def cjk_stand_in() -> bool:
    """Whether PDFium, on this machine, has a Chinese font to stand in for one a PDF names but does not embed.

    Without one (a server with no CJK font installed) PDFium still reads the characters of such a font, with boxes
    of no height, but leaves out of the text layer every text object that prints a single Chinese character — a
    cell holding 无 or 是 reads blank — so what yusuan reads of such a PDF would depend on the machine.  Asked once
    per process, of a one-character PDF (:func:`_probe_pdf`)."""
    try:
        doc = pdfium.PdfDocument(_probe_pdf())
        try:
            page = doc[0]
            textpage = page.get_textpage()
            try:
                return textpage.count_chars() == 1
            finally:
                textpage.close()
                page.close()
        finally:
            doc.close()
    except Exception:  # a PDFium that cannot read the probe: say nothing rather than guess
        return True


__all__ = ["Char", "PageLayer", "cjk_stand_in", "read_page", "unembedded_fonts"]
