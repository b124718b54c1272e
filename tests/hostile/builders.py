"""Hostile and broken filings, each built in memory from the samples or from scratch.

Nothing here is committed as a binary: every bad input is made on the fly, and the zip bomb is a
few hundred KiB on disk.  ``HOSTILE`` maps a file name to a builder; ``EXPECT`` says, per file,
which words the rejection reason must contain (any one of the alternatives in a tuple).
"""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

from tests.docx_builder import CONTENT_TYPES, ROOT_RELS, W_NS, build_docx, p, package, tbl

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "data" / "samples" / "河北省" / "邯郸市" / "魏县"
SAMPLES_PDF = REPO / "data" / "samples_pdf" / "河北省" / "邯郸市" / "魏县"
REFERENCE = SAMPLES / "2023" / "201_中国共产党魏县委员会办公室_2023.docx"
# The two good filings of the batch: different departments, so neither supersedes the other.
GOOD = {
    "good_201_2023.docx": REFERENCE,
    "good_305_2022.docx": SAMPLES / "2022" / "305_魏县教育局_2022.docx",
}

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SECRET_MARKER = "YUSUAN-XXE-CANARY-7c1f0e9b"


def ole2(stream_name: str, padding: int = 1024) -> bytes:
    """A compound-file header and one directory entry naming ``stream_name`` (what sniff keys on)."""
    header = OLE2_MAGIC + bytes(504)
    name = stream_name.encode("utf-16-le") + b"\x00\x00"
    entry = name + bytes(64 - len(name)) + struct.pack("<H", len(name)) + bytes(62)
    return header + entry + bytes(padding)


def rewrite_docx(data: bytes, edit: Callable[[str, bytes], bytes | None]) -> bytes:
    """Copy a .docx member by member through ``edit(name, content)``; None drops the member."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = edit(info.filename, src.read(info))
            if content is not None:
                dst.writestr(info.filename, content)
    return out.getvalue()


def with_marker(data: bytes, marker: str) -> bytes:
    """The same filing with different bytes: ``marker`` written into docProps/core.xml's description."""
    def edit(name: str, content: bytes) -> bytes:
        if name == "docProps/core.xml":
            return re.sub(rb"<dc:description>", b"<dc:description>" + marker.encode() + b" ", content, count=1)
        return content
    return rewrite_docx(data, edit)


def replace_in_document(data: bytes, old: str, new: str, count: int = 1) -> bytes:
    """Replace text inside word/document.xml (the first ``count`` occurrences)."""
    def edit(name: str, content: bytes) -> bytes:
        if name == "word/document.xml":
            text = content.decode("utf-8")
            assert old in text, f"{old!r} not in the document"
            return text.replace(old, new, count).encode("utf-8")
        return content
    return rewrite_docx(data, edit)


def _docx_with(document: str) -> bytes:
    return package({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS,
                    "word/document.xml": document})


def zip_bomb(mib: int = 200) -> bytes:
    """A .docx whose word/document.xml inflates to ``mib`` MiB of zeros (a few hundred KiB on disk)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = bytes(1 << 20)
            for _ in range(mib):
                fh.write(chunk)
    return buf.getvalue()


def xxe_docx(secret: Path) -> bytes:
    """A .docx whose document.xml pulls a local file in through an external entity."""
    return _docx_with(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>部门预算收支总表 &xxe;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )


def billion_laughs_docx() -> bytes:
    """Nine levels of entities, ten each: 10^9 'lol's if a parser expanded them."""
    lol = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    return _docx_with(
        f'<?xml version="1.0"?><!DOCTYPE lolz [{lol}]>'
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>'
    )


def xlsx_bytes() -> bytes:
    """The skeleton of an Excel workbook: what sniff and the zip opener see of a real .xlsx."""
    return package({
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
        "xl/worksheets/sheet1.xml": '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
    })


def no_document_docx() -> bytes:
    """A Word-looking package that lacks word/document.xml."""
    return package({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS,
                    "word/styles.xml": f'<w:styles xmlns:w="{W_NS}"/>'})


def prose_docx() -> bytes:
    """A Word document with text only: a department's annual report, no budget table."""
    return build_docx([
        p("中国共产党魏县委员会办公室2023年工作总结", heading=True),
        p("一年来，我办认真贯彻落实县委各项决策部署，各项工作取得新成效。"),
        p("一、加强政治建设。二、提升服务水平。三、推进作风建设。"),
    ])


def unidentified_docx() -> bytes:
    """A 收支总表 with figures but no 预算年度, no year in any title and no department anywhere."""
    return build_docx([
        p("部门预算收支总表", heading=True),
        p("单位：万元"),
        tbl([
            ["收入", "", "支出", ""],
            ["项目", "预算数", "项目", "预算数"],
            ["一、一般公共预算拨款收入", "100.00", "一、一般公共服务支出", "100.00"],
            ["收入总计", "100.00", "支出总计", "100.00"],
        ]),
    ])


def unreadable_number_docx() -> bytes:
    """魏县人民政府办公室 2023 with one amount misprinted: the first 236.00 (2010302) reads '23б.00'."""
    return replace_in_document((SAMPLES / "2023" / "202_魏县人民政府办公室_2023.docx").read_bytes(),
                               ">236.00<", ">23б.00<")


def scanned_pdf() -> bytes:
    """An image-only PDF, as a scanner or a 'print to image' makes: pages with no text layer."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (600, 400), 255)
    draw = ImageDraw.Draw(img)
    for y in range(40, 380, 20):  # ruled lines, like a photographed table
        draw.line((30, y, 570, y), fill=0, width=2)
    out = io.BytesIO()
    img.save(out, format="PDF", resolution=72)
    return out.getvalue()


def random_bytes(n: int = 4096, seed: int = 7) -> bytes:
    """Noise, reproducible."""
    return random.Random(seed).randbytes(n)


def truncated_docx() -> bytes:
    """The reference filing cut in half, as an interrupted download leaves it."""
    data = REFERENCE.read_bytes()
    return data[: len(data) // 2]


def sample_pdf_named_docx() -> bytes:
    """A good PDF filing published with a .docx extension (a CMS that renames uploads)."""
    return (SAMPLES_PDF / "2022" / "202_魏县人民政府办公室_2022.pdf").read_bytes()


def hostile_files(folder: Path) -> dict[str, Path]:
    """Write every hostile input into ``folder``; returns name → path (the XXE secret lives outside it)."""
    folder.mkdir(parents=True, exist_ok=True)
    secret = folder.parent / "secret.txt"
    secret.write_text(SECRET_MARKER, encoding="utf-8")
    made = {
        "empty.docx": b"",
        "noise.docx": random_bytes(),
        "truncated.docx": truncated_docx(),
        "old_word.docx": ole2("WordDocument"),
        "old_word_proper.doc": ole2("WordDocument", padding=2048),  # other bytes: its own document row
        "workbook.docx": xlsx_bytes(),
        "password.docx": ole2("EncryptedPackage"),
        "no_document_xml.docx": no_document_docx(),
        "bomb.docx": zip_bomb(),
        "xxe.docx": xxe_docx(secret),
        "billion_laughs.docx": billion_laughs_docx(),
        "prose_only.docx": prose_docx(),
        "no_year_no_department.docx": unidentified_docx(),
        "scanned.pdf": scanned_pdf(),
        "truncated.pdf": (SAMPLES_PDF / "2021" / "201_中国共产党魏县委员会办公室_2021.pdf").read_bytes()[:20_000],
        "web_page.docx": "<html><head><meta charset='utf-8'></head><body><table><tr><td>部门预算收支总表</td></tr>"
                         "</table></body></html>".encode(),
    }
    out = {}
    for name, data in made.items():
        (folder / name).write_bytes(data)
        out[name] = folder / name
    # Over the size cap, and sparse: 65 MiB declared, nothing written, refused before it is read.
    with open(folder / "huge.pdf", "wb") as fh:
        fh.truncate(65 * 1024 * 1024)
    out["huge.pdf"] = folder / "huge.pdf"
    return out


# Words each rejection must contain (case-insensitive); a tuple means any one of them.
EXPECT: dict[str, list[str | tuple[str, ...]]] = {
    "empty.docx": ["empty", "download"],
    "noise.docx": [("not a word", "not a filing", "unrecognised")],
    "truncated.docx": [("truncated", "damaged", "corrupt"), "download"],
    "old_word.docx": ["word 97-2003", ".doc", "save it as .docx"],
    "old_word_proper.doc": ["word 97-2003", "save it as .docx"],
    "workbook.docx": ["excel", ".xlsx"],
    "password.docx": ["password"],
    "no_document_xml.docx": ["word/document.xml", ("damaged", "not a word document")],
    "bomb.docx": ["decompression bomb"],
    "xxe.docx": [("dtd", "entity"), ("xxe", "attack")],
    "billion_laughs.docx": [("dtd", "entity"), ("billion laughs", "attack")],
    "prose_only.docx": ["no recognisable budget table"],
    "no_year_no_department.docx": ["year", "department"],
    "scanned.pdf": [("scan", "text layer")],
    "truncated.pdf": ["truncated", ("fetch", "download")],
    "web_page.docx": ["web page", "save it as .docx"],
    "huge.pdf": ["65 MiB", "limit", "archive of many files"],
}


def missing_words(reason: str | None, expected: list[str | tuple[str, ...]]) -> list:
    """The expected words (or alternatives) that ``reason`` does not contain."""
    text = (reason or "").lower()
    return [w for w in expected if not any(a.lower() in text for a in (w if isinstance(w, tuple) else (w,)))]


def reissue_corpus(folder: Path) -> list[Path]:
    """Thirteen distinct filings under ``folder``/魏县/<year>/: the nine samples (each with new bytes) and
    four reissues of them (same department and year, later in sort order, so they supersede the
    originals; two with a changed figure, so the supersede writes restatements)."""
    made = []
    for i, src in enumerate(sorted(SAMPLES.rglob("*.docx"))):
        out = folder / "魏县" / src.parent.name / src.name
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(with_marker(src.read_bytes(), f"crash-copy-{i}"))
        made.append(out)
    reissues = {
        "2021/201_中国共产党魏县委员会办公室_2021.docx": None,
        "2022/305_魏县教育局_2022.docx": (">120.00<", ">121.00<"),
        "2023/202_魏县人民政府办公室_2023.docx": (">236.00<", ">237.00<"),
        "2024/201_中国共产党魏县委员会办公室_2024.docx": None,
    }
    for rel, change in reissues.items():
        src = SAMPLES / rel
        data = with_marker(src.read_bytes(), "crash-reissue")
        if change:
            data = replace_in_document(data, *change)
        out = folder / "魏县" / rel.replace(".docx", "_v2.docx")
        out.write_bytes(data)
        made.append(out)
    return sorted(made)
