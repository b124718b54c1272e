"""Hostile inputs, each built on the fly: the right RejectedFile kind and a reason an operator can act on."""

from __future__ import annotations

import io
import os
import struct
import zipfile

import pytest
from lxml import etree

from pipelines.lib import safe_io
from pipelines.lib.docx_reader import read_docx
from pipelines.lib.errors import RejectedFile
from tests.docx_builder import CONTENT_TYPES, ROOT_RELS, W_NS, build_docx, p, package, tbl

GOOD = build_docx([p("部门预算收支总表"), tbl([["项目", "预算数"], ["合计", "1.00"]])])


def _ole2(stream_name: str) -> bytes:
    """An OLE2 compound file header followed by a directory entry naming ``stream_name``."""
    header = safe_io.OLE2_MAGIC + bytes(504)
    name = stream_name.encode("utf-16-le") + b"\x00\x00"
    entry = name + bytes(64 - len(name)) + struct.pack("<H", len(name)) + bytes(62)
    return header + entry + bytes(1024)


def _docx_with(document: bytes | str) -> bytes:
    return package(
        {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS, "word/document.xml": document}
    )


def _rejected(data: bytes, **kw) -> RejectedFile:
    with pytest.raises(RejectedFile) as info:
        safe_io.open_docx_xml(data, **kw)
    assert info.value.reason and len(info.value.reason) > 20
    return info.value


def test_a_good_docx_parses_to_the_document_root():
    root = safe_io.open_docx_xml(GOOD)
    assert root.tag == f"{{{W_NS}}}document"
    assert safe_io.sniff(GOOD) == "docx"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"", "empty"),
        (b"\x00" * 100, "empty"),
        (bytes(range(256)) * 4, "unknown"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "pdf"),
        (_ole2("WordDocument"), "doc"),
        (_ole2("Workbook"), "xls"),
        (_ole2("EncryptedPackage"), "encrypted_ooxml"),
        (b"{\\rtf1\\ansi\\deff0 {\\fonttbl}", "rtf"),
        (b"<html><body><table></table></body></html>", "html"),
        (package({"xl/workbook.xml": "<workbook/>", "[Content_Types].xml": CONTENT_TYPES}), "xlsx"),
        (package({"readme.txt": "hello"}), "zip"),
    ],
)
def test_sniff_names_what_the_bytes_really_are(data, kind):
    assert safe_io.sniff(data) == kind


@pytest.mark.parametrize(
    ("data", "kind", "words"),
    [
        (b"", "empty", "empty"),
        (bytes(range(256)) * 4, "unknown", "not a Word document"),
        (_ole2("WordDocument"), "doc", "Word 97-2003"),
        (_ole2("Workbook"), "xls", "Excel"),
        (b"%PDF-1.4\n", "pdf", "PDF"),
        (_ole2("EncryptedPackage"), "encrypted_ooxml", "password"),
        (package({"xl/workbook.xml": "<workbook/>"}), "xlsx", "Excel"),
        (package({"readme.txt": "hello"}), "no_document", "word/document.xml"),
    ],
)
def test_not_a_docx_is_rejected_saying_what_it_is(data, kind, words):
    err = _rejected(data)
    assert err.kind == kind
    assert words in err.reason


def test_truncated_zip_is_rejected_as_truncated():
    err = _rejected(GOOD[: len(GOOD) // 2])
    assert err.kind == "truncated"
    assert "truncated or corrupt" in err.reason


def test_corrupt_member_is_rejected_as_truncated():
    data = bytearray(GOOD)
    info = zipfile.ZipFile(io.BytesIO(GOOD)).getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start : start + 40] = os.urandom(40)
    assert _rejected(bytes(data)).kind in ("truncated", "malformed")


def test_encrypted_zip_entry_is_rejected():
    data = bytearray(GOOD)
    zf = zipfile.ZipFile(io.BytesIO(GOOD))
    info = zf.getinfo("word/document.xml")
    # Set bit 0 (encrypted) in the local and the central directory headers.
    data[info.header_offset + 6] |= 1
    cd = data.find(b"PK\x01\x02")
    while cd != -1:
        name_len = struct.unpack("<H", data[cd + 28 : cd + 30])[0]
        if data[cd + 46 : cd + 46 + name_len] == b"word/document.xml":
            data[cd + 8] |= 1
            break
        cd = data.find(b"PK\x01\x02", cd + 4)
    err = _rejected(bytes(data))
    assert err.kind == "encrypted"
    assert "password" in err.reason


def _zeros_zip(n_mib: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = bytes(1 << 20)
            for _ in range(n_mib):
                fh.write(chunk)
    return buf.getvalue()


@pytest.fixture
def inflated(monkeypatch) -> list[int]:
    """Counts the bytes zipfile inflates (every read of an opened member), so a test states the work done."""
    counted: list[int] = []
    real_read = zipfile.ZipExtFile.read

    def read(self, n=-1):
        out = real_read(self, n)
        counted.append(len(out))
        return out

    monkeypatch.setattr(zipfile.ZipExtFile, "read", read)
    return counted


@pytest.fixture
def xml_parses(monkeypatch) -> list[str]:
    """Records every lxml parse of a document part, so a test can state that none ran.

    The package relationships (``_rels/.rels``, which name the main part) are parsed first and are
    not counted: they are not the document."""
    calls: list[str] = []
    for name in ("fromstring", "XML", "parse", "iterparse"):
        real = getattr(etree, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            if not (args and isinstance(args[0], bytes) and b"package/2006/relationships" in args[0][:4096]):
                calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(etree, name, spy)
    return calls


def test_zip_bomb_is_refused_before_inflating(inflated):
    bomb = _zeros_zip(200)
    assert len(bomb) < 2 * 1024 * 1024  # small on disk, 200 MiB declared
    err = _rejected(bomb)
    assert err.kind == "bomb"
    assert "decompression bomb" in err.reason
    assert sum(inflated) < 4096  # refused from the headers: only the package's relationships were inflated


def test_high_ratio_member_under_the_size_cap_is_a_bomb_too():
    err = _rejected(_zeros_zip(8))
    assert err.kind == "bomb"
    assert ":1" in err.reason


def test_declared_size_that_lies_never_inflates_past_it(inflated):
    bomb = bytearray(_zeros_zip(200))
    # Forge the central directory: declare 1,000 bytes for the 200 MiB stream (zip64 extra field).
    zf = zipfile.ZipFile(io.BytesIO(bytes(bomb)))
    info = zf.getinfo("word/document.xml")
    assert info.file_size == 200 * 1024 * 1024
    needle = struct.pack("<Q", info.file_size)
    at = bomb.rfind(needle)
    assert at != -1
    bomb[at : at + 8] = struct.pack("<Q", 1000)
    with pytest.raises(RejectedFile) as exc:
        safe_io.open_docx_xml(bytes(bomb))
    assert exc.value.kind in ("truncated", "bomb", "malformed")
    # zipfile stops at the declared size: a few KiB of [Content_Types].xml and 1,000 bytes of the stream
    assert sum(inflated) <= 64 * 1024


def test_streaming_cap_stops_inflating_a_member_whose_declared_size_passed():
    data = _zeros_zip(3)
    # 3 MiB declared is below a 4 MiB cap and the ratio is allowed here, but 2 MiB cap is not:
    err = _rejected(data, max_member=2 * 1024 * 1024, max_ratio=10_000)
    assert err.kind == "bomb"


def test_file_over_the_size_cap_is_refused():
    err = _rejected(GOOD, max_file=1000)
    assert err.kind == "too_large"


def test_xxe_is_refused_and_the_local_file_never_appears(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-4711", encoding="utf-8")
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>'
    )
    err = _rejected(_docx_with(xml))
    assert err.kind == "xml_dtd"
    assert "TOP-SECRET" not in err.reason
    # The parser itself never resolves the entity either, even without the DTD pre-check.
    root = etree.fromstring(xml.encode(), safe_io.hardened_parser())
    assert b"TOP-SECRET" not in etree.tostring(root)
    with pytest.raises(RejectedFile):
        read_docx(_docx_with(xml))


def test_billion_laughs_is_refused(xml_parses):
    lol = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE lolz [{lol}]>'
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>'
    )
    err = _rejected(_docx_with(xml))
    assert err.kind == "xml_dtd"
    assert "entity" in err.reason.lower()
    assert xml_parses == []  # refused from the prolog: no parser ever saw the entities


def test_utf16_document_with_a_doctype_is_refused():
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]>'
        f'<w:document xmlns:w="{W_NS}"><w:body/></w:document>'
    ).encode("utf-16")
    assert _rejected(_docx_with(xml)).kind == "xml_dtd"


def test_malformed_xml_is_rejected():
    err = _rejected(_docx_with(f'<w:document xmlns:w="{W_NS}"><w:body><w:p></w:body>'))
    assert err.kind == "malformed"
    assert "not well-formed" in err.reason


def test_more_tables_than_any_filing_is_refused():
    body = "<w:tbl/>" * (safe_io.MAX_TABLES + 1)
    xml = f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'
    with pytest.raises(RejectedFile) as exc:
        read_docx(_docx_with(xml))
    assert exc.value.kind == "too_large"
    assert str(safe_io.MAX_TABLES) in exc.value.reason


def test_more_rows_than_any_filing_is_refused():
    rows = "<w:tr/>" * (safe_io.MAX_ROWS + 1)
    xml = f'<w:document xmlns:w="{W_NS}"><w:body><w:tbl>{rows}</w:tbl></w:body></w:document>'
    with pytest.raises(RejectedFile) as exc:
        read_docx(_docx_with(xml))
    assert exc.value.kind == "too_large"


def test_a_huge_grid_span_is_refused_not_allocated():
    xml = (
        f'<w:document xmlns:w="{W_NS}"><w:body><w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="999999999"/>'
        "</w:tcPr><w:p/></w:tc></w:tr></w:tbl></w:body></w:document>"
    )
    with pytest.raises(RejectedFile) as exc:
        read_docx(_docx_with(xml))
    assert exc.value.kind == "too_large"


# -- cell widths taken out before the main part is parsed (safe_io._without_cell_widths) --------------------------


def test_cell_widths_are_taken_out_of_the_main_part_and_nothing_else():
    rows = [["项目", "预算数"], ["一、一般公共服务支出", "1,234.50"], ["合计", "1,234.50"]]
    rich = build_docx([p("部门预算收支总表"), tbl(rows, rich=True)])
    document = safe_io.open_docx(rich).document
    assert not list(document.iter(f"{{{W_NS}}}tcW"))  # every width gone …
    assert len(list(document.iter(f"{{{W_NS}}}vAlign"))) == 6  # … and the cells' other properties kept
    assert [[c.text for c in row] for row in read_docx(rich).tables[0].rows] == rows


def test_a_width_is_left_in_place_where_the_pattern_could_reach_beyond_it():
    # an attribute value may hold '>' (the element stays) and a CDATA section's text could hold the pattern itself
    odd = b'<w:tc><w:tcPr><w:tcW w:w="1>2" w:type="dxa"/></w:tcPr><w:p/></w:tc>'
    assert safe_io._without_cell_widths(odd) == odd
    cdata = b'<w:t><![CDATA[<w:tcW w:w="1" w:type="dxa"/>]]></w:t><w:tcW w:w="1" w:type="dxa"/>'
    assert safe_io._without_cell_widths(cdata) == cdata
    plain = b'<w:tcPr><w:tcW w:w="1200" w:type="dxa"/><w:gridSpan w:val="2"/></w:tcPr>'
    assert safe_io._without_cell_widths(plain) == b'<w:tcPr><w:gridSpan w:val="2"/></w:tcPr>'


def test_cell_properties_holding_only_a_width_go_whole_and_the_cells_read_the_same():
    only = b'<w:tc><w:tcPr><w:tcW w:w="1200" w:type="dxa"/></w:tcPr><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>'
    assert safe_io._without_cell_widths(only) == b'<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>'
    # a span or a merge beside the width keeps its w:tcPr, and the table reads as it did with every width in place
    wide = (b'<w:tcPr><w:tcW w:w="2400" w:type="dxa"/><w:gridSpan w:val="2"/></w:tcPr>'
            b'<w:tcPr><w:tcW w:w="1200" w:type="dxa"/><w:vMerge/></w:tcPr>')
    assert safe_io._without_cell_widths(wide) == b'<w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:tcPr><w:vMerge/></w:tcPr>'
    rows = [["项目", "预算数"], ["一、一般公共服务支出", "1,234.50"], ["合计", "1,234.50"]]
    xml = tbl(rows).replace("<w:tc>", '<w:tc><w:tcPr><w:tcW w:w="1200" w:type="dxa"/></w:tcPr>')
    data = build_docx([p("部门预算收支总表"), xml])
    document = safe_io.open_docx(data).document
    assert not list(document.iter(f"{{{W_NS}}}tcPr")) and len(list(document.iter(f"{{{W_NS}}}tc"))) == 6
    assert [[c.text for c in row] for row in read_docx(data).tables[0].rows] == rows


def test_a_cell_text_that_spells_a_width_is_read_as_printed():
    text = '<w:tcW w:w="1" w:type="dxa"/>'  # escaped in w:t (&lt;…), so never an element the pattern takes
    doc = read_docx(build_docx([p("表"), tbl([["说明", text]], rich=True)]))
    assert doc.tables[0].rows[0][1].text == text
