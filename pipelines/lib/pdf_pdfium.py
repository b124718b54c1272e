"""PDFium's C functions that ``pdf_layer`` calls, from the library pypdfium2 loads, called the cheapest way ctypes has.

A province-wide batch makes tens of millions of these calls (three per character, several per text object and
per path segment), so ctypes' own cost per call is most of the time the layer takes.  The functions here have a
result type but no argument types: ctypes then converts nothing on the way in, which halves the cost of a call
(0.22 µs instead of 0.36–0.5 µs measured here).  The price is a calling rule the caller keeps:

- a handle (page, text page, object, segment, font) is passed as a :class:`Handle` (or any ``c_void_p``), never
  as a Python int, which ctypes would pass as a 32-bit C int;
- an index is a Python int (a C ``int``); an ``unsigned long`` or a ``float`` argument is wrapped in its ctypes
  type (``c_ulong``, ``c_float``);
- an out-parameter is a ``ctypes.byref`` of a ctypes value or structure, made once and reused.

A function returning a handle returns a :class:`Handle`, which goes straight back into the next call; its
``.value`` (an int, or None for NULL) is the object's identity for a dict.  ``char_object``, called once per
character, returns that int itself (``Handle(address)`` makes the handle where one is needed).
"""

from __future__ import annotations

import ctypes

import pypdfium2.raw as pdfium_c


def _lib() -> ctypes.CDLL:
    try:
        from pypdfium2_raw.bindings import _libs

        return _libs["pdfium"]
    except (ImportError, KeyError):  # pragma: no cover - a pypdfium2 that loads PDFium differently
        return ctypes.CDLL(pdfium_c.__file__.rsplit("/", 1)[0] + "/libpdfium.so")


_L = _lib()


class Handle(ctypes.c_void_p):
    """An opaque PDFium pointer.  As a result type, a subclass of ``c_void_p`` comes back as itself, not as an
    int, so it can be passed on without conversion."""


def _fn(name: str, restype):
    f = _L[name]  # a fresh function object: pypdfium2's own prototypes stay as they are
    f.restype = restype
    return f


class Matrix(ctypes.Structure):
    _fields_ = [(k, ctypes.c_float) for k in "abcdef"]


# FS_MATRIX's six floats as an array: ``m[:]`` reads them in one step (a structure's fields are read one by one)
MatrixArray = ctypes.c_float * 6


class RectF(ctypes.Structure):
    _fields_ = [(k, ctypes.c_float) for k in ("left", "top", "right", "bottom")]


_I = ctypes.c_int
# (arguments after the name: h handle, i int index, ul c_ulong, f c_float, & byref out-parameter, buf an array)
count_chars = _fn("FPDFText_CountChars", _I)  # (h textpage)
get_text = _fn("FPDFText_GetText", _I)  # (h textpage, i start, i count, buf uint16[count + 1])
get_unicode = _fn("FPDFText_GetUnicode", ctypes.c_uint)  # (h textpage, i)
is_generated = _fn("FPDFText_IsGenerated", _I)  # (h textpage, i)
char_origin = _fn("FPDFText_GetCharOrigin", _I)  # (h textpage, i, &double x, &double y)
loose_box = _fn("FPDFText_GetLooseCharBox", _I)  # (h textpage, i, &RectF)
# its text object's address (an int, None for none): one call per character, so no Handle is made for it
char_object = _fn("FPDFText_GetTextObject", ctypes.c_void_p)  # (h textpage, i)
char_matrix = _fn("FPDFText_GetMatrix", _I)  # (h textpage, i, &Matrix)
char_font_size = _fn("FPDFText_GetFontSize", ctypes.c_double)  # (h textpage, i)
text_font = _fn("FPDFTextObj_GetFont", Handle)  # (h text object)
font_descent = _fn("FPDFFont_GetDescent", _I)  # (h font, f size, &float)
font_embedded = _fn("FPDFFont_GetIsEmbedded", _I)  # (h font)
font_name = _fn("FPDFFont_GetBaseFontName", ctypes.c_size_t)  # (h font, buf or None, size_t bytes)
obj_text = _fn("FPDFTextObj_GetText", ctypes.c_ulong)  # (h text object, h textpage, buf or None, ul bytes)
render_mode = _fn("FPDFTextObj_GetTextRenderMode", _I)  # (h text object)
count_objects = _fn("FPDFPage_CountObjects", _I)  # (h page)
get_object = _fn("FPDFPage_GetObject", Handle)  # (h page, i)
form_count = _fn("FPDFFormObj_CountObjects", _I)  # (h form object)
form_object = _fn("FPDFFormObj_GetObject", Handle)  # (h form object, ul index)
obj_type = _fn("FPDFPageObj_GetType", _I)  # (h object)
obj_matrix = _fn("FPDFPageObj_GetMatrix", _I)  # (h object, &Matrix)
obj_bounds = _fn("FPDFPageObj_GetBounds", _I)  # (h object, &float left, &bottom, &right, &top)
fill_color = _fn("FPDFPageObj_GetFillColor", _I)  # (h object, &uint r, &g, &b, &a)
stroke_color = _fn("FPDFPageObj_GetStrokeColor", _I)  # (h object, &uint r, &g, &b, &a)
draw_mode = _fn("FPDFPath_GetDrawMode", _I)  # (h path, &int fill mode, &int stroke)
count_segments = _fn("FPDFPath_CountSegments", _I)  # (h path)
get_segment = _fn("FPDFPath_GetPathSegment", Handle)  # (h path, i)
segment_point = _fn("FPDFPathSegment_GetPoint", _I)  # (h segment, &float x, &float y)
segment_type = _fn("FPDFPathSegment_GetType", _I)  # (h segment)
segment_close = _fn("FPDFPathSegment_GetClose", _I)  # (h segment)
obj_clip = _fn("FPDFPageObj_GetClipPath", Handle)  # (h object) -> h clip path or NULL
clip_count = _fn("FPDFClipPath_CountPaths", _I)  # (h clip path)
clip_path_segments = _fn("FPDFClipPath_CountPathSegments", _I)  # (h clip path, i path)
clip_segment = _fn("FPDFClipPath_GetPathSegment", Handle)  # (h clip path, i path, i segment)

TEXT, PATH, IMAGE, SHADING, FORM = (
    pdfium_c.FPDF_PAGEOBJ_TEXT,
    pdfium_c.FPDF_PAGEOBJ_PATH,
    pdfium_c.FPDF_PAGEOBJ_IMAGE,
    pdfium_c.FPDF_PAGEOBJ_SHADING,
    pdfium_c.FPDF_PAGEOBJ_FORM,
)
MOVETO, LINETO, BEZIERTO = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_LINETO, pdfium_c.FPDF_SEGMENT_BEZIERTO
