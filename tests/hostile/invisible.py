"""Generators for issue #17's hostile classes, each a function of a real sample's bytes.

Every generator edits the sample's package the way a tool or a careless (or malicious) editor
would, and keeps the rest byte for byte.  Where the hostile part is invisible in Word (deleted,
hidden, a Fallback copy), the expected facts are exactly the clean sample's; where it is visible
(a footnote marker, a unit in a cell, an impossible number) the expected outcome is an exact
finding.  ``tests/hostile/README.md`` lists every case.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal

from lxml import etree

from tests.hostile.builders import rewrite_docx

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
WPS = "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
V = "{urn:schemas-microsoft-com:vml}"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_AMOUNT = re.compile(r"^\d[\d,]*\.\d+$")
_REV = {W + "id": "90", W + "author": "editor", W + "date": "2024-01-01T00:00:00Z"}


def edit_document(data: bytes, edit: Callable[[etree._Element], None]) -> bytes:
    """Apply ``edit`` to the parsed word/document.xml and write it back."""
    def part(name: str, content: bytes) -> bytes:
        if name != "word/document.xml":
            return content
        root = etree.fromstring(content)
        edit(root)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return rewrite_docx(data, part)


def _text(el: etree._Element) -> str:
    return "".join(t.text or "" for t in el.iter(W + "t"))


def amount_cells(root: etree._Element) -> list[etree._Element]:
    """The first paragraph of every cell printing a non-zero amount."""
    out = []
    for tc in root.iter(W + "tc"):
        text = _text(tc).strip()
        if _AMOUNT.match(text) and Decimal(text.replace(",", "")) != 0:
            out.append(tc.find(W + "p"))
    return out


def _run(text: str, rpr: list[etree._Element] | None = None, tag: str = "t") -> etree._Element:
    r = etree.Element(W + "r")
    if rpr:
        pr = etree.SubElement(r, W + "rPr")
        pr.extend(rpr)
    t = etree.SubElement(r, W + tag)
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return r


def _el(tag: str, **attrs: str) -> etree._Element:
    el = etree.Element(tag)
    for k, v in attrs.items():
        el.set(W + k, v)
    return el


def _insert_first(p: etree._Element, node: etree._Element) -> None:
    ppr = p.find(W + "pPr")
    p.insert(0 if ppr is None else p.index(ppr) + 1, node)


def hidden_minus(how: str, sign: str = "-") -> Callable[[bytes], bytes]:
    """A ``sign`` ('-', or '−' / '△', which read as minus too) Word does not show before every non-zero amount:
    ``how`` names the way it is hidden."""
    def make() -> etree._Element:
        if how == "deleted":  # a tracked deletion, as Word writes it
            d = etree.Element(W + "del", _REV)
            d.append(_run(sign, tag="delText"))
            return d
        if how == "deleted w:t":  # a deletion holding w:t (valid; some tools write it)
            d = etree.Element(W + "del", _REV)
            d.append(_run(sign))
            return d
        if how == "moved away":
            d = etree.Element(W + "moveFrom", _REV)
            d.append(_run(sign))
            return d
        if how == "vanish":
            return _run(sign, [_el(W + "vanish")])
        if how == "webHidden":
            return _run(sign, [_el(W + "webHidden")])
        raise ValueError(how)

    def gen(data: bytes) -> bytes:
        def edit(root):
            for p in amount_cells(root):
                _insert_first(p, make())
        return edit_document(data, edit)
    return gen


def hidden_copy(other: bytes) -> Callable[[bytes], bytes]:
    """Another filing's whole body (last year's), every run and paragraph mark hidden, above this one's."""
    other_root = etree.fromstring(zipfile.ZipFile(io.BytesIO(other)).read("word/document.xml"))

    def gen(data: bytes) -> bytes:
        def edit(root):
            body = root.find(W + "body")
            blocks = [b for b in other_root.find(W + "body") if b.tag != W + "sectPr"]
            for b in blocks:
                for r in b.iter(W + "r"):
                    rpr = r.find(W + "rPr")
                    if rpr is None:
                        rpr = etree.Element(W + "rPr")
                        r.insert(0, rpr)
                    rpr.append(_el(W + "vanish"))
                for p in b.iter(W + "p"):
                    ppr = p.find(W + "pPr")
                    if ppr is None:
                        ppr = etree.Element(W + "pPr")
                        p.insert(0, ppr)
                    rpr = ppr.find(W + "rPr")
                    if rpr is None:
                        rpr = etree.SubElement(ppr, W + "rPr")
                    rpr.append(_el(W + "vanish"))
            for i, b in enumerate(blocks):
                body.insert(i, b)
        return edit_document(data, edit)
    return gen


def footnote_markers(kind: str) -> Callable[[bytes], bytes]:
    """A footnote marker after every non-zero amount: a superscript run '1', '①' or '¹'."""
    def gen(data: bytes) -> bytes:
        def edit(root):
            for p in amount_cells(root):
                if kind == "superscript run":
                    p.append(_run("1", [_el(W + "vertAlign", val="superscript")]))
                else:
                    p.append(_run(kind))
        return edit_document(data, edit)
    return gen


def replace_cell(old: str, new: str) -> Callable[[bytes], bytes]:
    """The first cell printing ``old`` prints ``new`` instead."""
    def gen(data: bytes) -> bytes:
        def edit(root):
            hits = [t for t in root.iter(W + "t") if t.text == old]
            assert hits, f"{old!r} is not printed"
            hits[0].text = new
        return edit_document(data, edit)
    return gen


def table_in_text_box(index: int, *, fallback: bool) -> Callable[[bytes], bytes]:
    """Top-level table ``index`` moved into a text box (DrawingML; with ``fallback`` also its VML copy)."""
    def gen(data: bytes) -> bytes:
        def edit(root):
            body = root.find(W + "body")
            tbl = [b for b in body if b.tag == W + "tbl"][index]
            at = body.index(tbl)
            body.remove(tbl)
            p = etree.Element(W + "p")
            r = etree.SubElement(p, W + "r")
            drawing = etree.Element(W + "drawing")
            anchor = etree.SubElement(drawing, WP + "anchor")
            graphic = etree.SubElement(etree.SubElement(anchor, A + "graphic"), A + "graphicData")
            shape = etree.SubElement(graphic, WPS + "wsp")
            etree.SubElement(etree.SubElement(shape, WPS + "txbx"), W + "txbxContent").append(tbl)
            if fallback:
                import copy

                alt = etree.SubElement(r, MC + "AlternateContent")
                choice = etree.SubElement(alt, MC + "Choice", Requires="wps")
                choice.append(drawing)
                pict = etree.SubElement(etree.SubElement(alt, MC + "Fallback"), W + "pict")
                box = etree.SubElement(etree.SubElement(pict, V + "shape"), V + "textbox")
                etree.SubElement(box, W + "txbxContent").append(copy.deepcopy(tbl))
            else:
                r.append(drawing)
            body.insert(at, p)
        return edit_document(data, edit)
    return gen


HTML_CHUNK = (b"<html><body><p>\xe9\x99\x84\xe8\xa1\xa8</p><table><tr><td>\xe5\x90\x88\xe8\xae\xa1</td>"
              b"<td>54.50</td></tr></table></body></html>")


def alt_chunk_html(data: bytes) -> bytes:
    """An HTML part imported with w:altChunk at the end of the body (Word converts it when it opens the file)."""
    def part(name: str, content: bytes) -> bytes:
        if name == "word/document.xml":
            root = etree.fromstring(content)
            body = root.find(W + "body")
            chunk = etree.Element(W + "altChunk")
            chunk.set(f"{{{R_NS}}}id", "rIdChunk1")
            body.insert(len(body) - 1, chunk)
            return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        if name == "word/_rels/document.xml.rels":
            return content.replace(b"</Relationships>", (
                b'<Relationship Id="rIdChunk1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                b'relationships/aFChunk" Target="chunk1.html"/></Relationships>'))
        if name == "[Content_Types].xml":
            return content.replace(b"</Types>", b'<Default Extension="html" ContentType="text/html"/></Types>')
        return content
    out = io.BytesIO(rewrite_docx(data, part))
    with zipfile.ZipFile(out, "a") as z:
        z.writestr("word/chunk1.html", HTML_CHUNK)
    return out.getvalue()


def renamed_main_part(orphan: bytes | None = None) -> Callable[[bytes], bytes]:
    """The main part stored as word/main.xml (named by _rels/.rels); with ``orphan``, another filing's
    document.xml left at word/document.xml, related to nothing."""
    def gen(data: bytes) -> bytes:
        src = zipfile.ZipFile(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                content = src.read(info)
                name = info.filename
                if name == "word/document.xml":
                    name = "word/main.xml"
                elif name == "word/_rels/document.xml.rels":
                    name = "word/_rels/main.xml.rels"
                elif name == "_rels/.rels":
                    content = content.replace(b'Target="word/document.xml"', b'Target="word/main.xml"')
                elif name == "[Content_Types].xml":
                    content = content.replace(b'PartName="/word/document.xml"', b'PartName="/word/main.xml"')
                dst.writestr(name, content)
            if orphan is not None:
                dst.writestr("word/document.xml", zipfile.ZipFile(io.BytesIO(orphan)).read("word/document.xml"))
        return out.getvalue()
    return gen


STRICT = (
    (b"http://schemas.openxmlformats.org/wordprocessingml/2006/main", b"http://purl.oclc.org/ooxml/wordprocessingml/main"),
    (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
     b"http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"),
    (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles",
     b"http://purl.oclc.org/ooxml/officeDocument/relationships/styles"),
    (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
     b"http://purl.oclc.org/ooxml/officeDocument/relationships"),
)


def strict_ooxml(data: bytes) -> bytes:
    """The same package written in Strict OOXML namespaces (as Word's "Strict Open XML Document" saves)."""
    def part(name: str, content: bytes) -> bytes:
        if name.endswith((".xml", ".rels")):
            for old, new in STRICT:
                content = content.replace(old, new)
        return content
    return rewrite_docx(data, part)


def duplicate_entry(other: bytes) -> Callable[[bytes], bytes]:
    """A second zip entry named word/document.xml (another filing's), after the first."""
    def gen(data: bytes) -> bytes:
        out = io.BytesIO(data)
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns about the duplicate name: that is the point
            with zipfile.ZipFile(out, "a") as z:
                z.writestr("word/document.xml", zipfile.ZipFile(io.BytesIO(other)).read("word/document.xml"))
        return out.getvalue()
    return gen
