"""PDFium's C functions that ``pdf_layer`` calls, from the library pypdfium2 loads, with address-typed prototypes.

They pass and return plain addresses: a few million calls per province-wide batch, where ctypes' pointer
wrapping would cost more than PDFium itself.
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
_P = ctypes.c_void_p
_I = ctypes.c_int
_D = ctypes.POINTER(ctypes.c_double)
_F = ctypes.POINTER(ctypes.c_float)
_U = ctypes.POINTER(ctypes.c_uint)


def _fn(name: str, restype, *argtypes):
    f = _L[name]  # a fresh function object: pypdfium2's own prototypes stay as they are
    f.restype = restype
    f.argtypes = argtypes
    return f


class Matrix(ctypes.Structure):
    _fields_ = [(k, ctypes.c_float) for k in "abcdef"]


class RectF(ctypes.Structure):
    _fields_ = [(k, ctypes.c_float) for k in ("left", "top", "right", "bottom")]


count_chars = _fn("FPDFText_CountChars", _I, _P)
get_text = _fn("FPDFText_GetText", _I, _P, _I, _I, ctypes.c_void_p)
get_unicode = _fn("FPDFText_GetUnicode", ctypes.c_uint, _P, _I)
is_generated = _fn("FPDFText_IsGenerated", _I, _P, _I)
char_origin = _fn("FPDFText_GetCharOrigin", _I, _P, _I, _D, _D)
loose_box = _fn("FPDFText_GetLooseCharBox", _I, _P, _I, ctypes.POINTER(RectF))
char_object = _fn("FPDFText_GetTextObject", _P, _P, _I)
char_matrix = _fn("FPDFText_GetMatrix", _I, _P, _I, ctypes.POINTER(Matrix))
char_font_size = _fn("FPDFText_GetFontSize", ctypes.c_double, _P, _I)
text_font = _fn("FPDFTextObj_GetFont", _P, _P)
font_descent = _fn("FPDFFont_GetDescent", _I, _P, ctypes.c_float, _F)
obj_text = _fn("FPDFTextObj_GetText", ctypes.c_ulong, _P, _P, ctypes.c_void_p, ctypes.c_ulong)
render_mode = _fn("FPDFTextObj_GetTextRenderMode", _I, _P)
count_objects = _fn("FPDFPage_CountObjects", _I, _P)
get_object = _fn("FPDFPage_GetObject", _P, _P, _I)
form_count = _fn("FPDFFormObj_CountObjects", _I, _P)
form_object = _fn("FPDFFormObj_GetObject", _P, _P, ctypes.c_ulong)
obj_type = _fn("FPDFPageObj_GetType", _I, _P)
obj_matrix = _fn("FPDFPageObj_GetMatrix", _I, _P, ctypes.POINTER(Matrix))
obj_bounds = _fn("FPDFPageObj_GetBounds", _I, _P, _F, _F, _F, _F)
fill_color = _fn("FPDFPageObj_GetFillColor", _I, _P, _U, _U, _U, _U)
stroke_color = _fn("FPDFPageObj_GetStrokeColor", _I, _P, _U, _U, _U, _U)
draw_mode = _fn("FPDFPath_GetDrawMode", _I, _P, ctypes.POINTER(_I), ctypes.POINTER(_I))
count_segments = _fn("FPDFPath_CountSegments", _I, _P)
get_segment = _fn("FPDFPath_GetPathSegment", _P, _P, _I)
segment_point = _fn("FPDFPathSegment_GetPoint", _I, _P, _F, _F)
segment_type = _fn("FPDFPathSegment_GetType", _I, _P)
segment_close = _fn("FPDFPathSegment_GetClose", _I, _P)

TEXT, PATH, IMAGE, SHADING, FORM = (
    pdfium_c.FPDF_PAGEOBJ_TEXT,
    pdfium_c.FPDF_PAGEOBJ_PATH,
    pdfium_c.FPDF_PAGEOBJ_IMAGE,
    pdfium_c.FPDF_PAGEOBJ_SHADING,
    pdfium_c.FPDF_PAGEOBJ_FORM,
)
MOVETO, LINETO, BEZIERTO = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_LINETO, pdfium_c.FPDF_SEGMENT_BEZIERTO
