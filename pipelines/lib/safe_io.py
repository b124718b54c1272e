"""Open untrusted office files without trusting anything they declare.

Every ingested file is treated as hostile: it may be empty, a renamed ``.doc``/``.xls``/``.pdf``,
truncated, password-protected, a decompression bomb, or XML carrying a DTD (XXE, billion laughs).
Each case raises :class:`~pipelines.lib.errors.RejectedFile` with a sentence an operator can act on
and a short ``kind`` key, never a library traceback.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from lxml import etree

from pipelines.lib.errors import RejectedFile

MiB = 1024 * 1024
MAX_FILE = 64 * MiB
MAX_MEMBER = 64 * MiB
MAX_RATIO = 200
# XML compresses 10-30x; the ratio cap only applies to members big enough to matter, so a tiny
# highly repetitive styles.xml is never rejected.
RATIO_FLOOR = 1 * MiB
MAX_RELS = 4 * MiB  # a relationships part; Word's are a few KB
# Caps no real filing reaches (the biggest county filings have ~60 tables, ~2,000 rows, 20 columns).
MAX_TABLES = 2_000
MAX_ROWS = 100_000
MAX_COLS = 1_000

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_DOCUMENT = "word/document.xml"
_DTD_RE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)

_REASONS = {
    "doc": "this is an old Word 97-2003 .doc file (perhaps renamed .docx); open it in Word/WPS and save it as .docx",
    "xls": "this is an old Excel 97-2003 .xls workbook, not a Word document; export the tables to .docx or ingest the workbook once .xls is supported",
    "xlsx": "this is an Excel .xlsx workbook, not a Word document; export it to .docx or ingest it once .xlsx is supported",
    "pdf": "this is a PDF file, not a Word document; give it a .pdf extension so the PDF reader handles it",
    "rtf": "this is an RTF file renamed .docx; open it in Word/WPS and save it as .docx",
    "html": "this is a web page (HTML/MHT) saved with a Word extension; open it in Word/WPS and save it as .docx",
    "encrypted_ooxml": "the document is password-protected (encrypted); remove the password in Word/WPS and save it again",
    "zip": "this is a zip archive but not a Word document (no word/document.xml inside)",
    "unknown": "this is not a Word document (unrecognised content); check that the right file was published",
    "empty": "the file is empty (0 bytes); download it again",
}


def sniff(data: bytes) -> str:
    """Name what the bytes really are, whatever the file extension claims.

    Returns one of 'docx', 'xlsx', 'zip', 'pdf', 'doc', 'xls', 'encrypted_ooxml', 'rtf', 'html',
    'empty', 'unknown'.  OLE2 containers are told apart by the UTF-16 stream names in their
    directory (WordDocument, Workbook/Book, EncryptedPackage), which is enough to sniff and needs
    no OLE parser.
    """
    # The processing stage sniffs a file, then the docx reader sniffs the same bytes object again (each sniff
    # of a package opens its zip directory, ~0.1 ms): the answer for the last object asked about is kept.
    # Bytes are immutable and the object is held, so the same object always gets the same answer.
    last = _LAST_SNIFF
    if last and last[0] is data:
        return last[1]
    kind = _sniff(data)
    _LAST_SNIFF[:] = (data, kind)
    return kind


_LAST_SNIFF: list = []  # [the bytes object last sniffed, its kind]
_LAST_ZIP: list = []  # [(the bytes object last sniffed as a zip, its open ZipFile)]: taken (once) by _open_zip


def _sniffed_zip(data: bytes) -> zipfile.ZipFile | None:
    """The ZipFile :func:`sniff` opened over these very bytes, if it is still held: handed out once (``list.pop`` is
    atomic, so two threads never share one)."""
    try:
        held, zf = _LAST_ZIP.pop()
    except IndexError:
        return None
    return zf if held is data else None


_BLANK = re.compile(rb"[\x00 \t\r\n]*")  # nothing but NULs and blanks: stops at the first other byte


def _sniff(data: bytes) -> str:
    if _BLANK.fullmatch(data):  # not data.strip(…): that copies the whole file (~0.1-0.3 ms a filing)
        return "empty"
    head = data[:1024]
    if head.startswith(OLE2_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            return "encrypted_ooxml"
        if "WordDocument".encode("utf-16-le") in data:
            return "doc"
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            return "xls"
        return "unknown"
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(ZIP_MAGICS):
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            names = zf.namelist()
            # the content types only where the names do not tell (_content_types never raises)
            types = b"" if _DOCUMENT in names or any(n.startswith(("word/", "xl/")) for n in names) \
                else _content_types(zf)
            # kept open for the _open_zip of the same bytes, which reads the directory no second time (~0.1 ms)
            _LAST_ZIP[:] = [(data, zf)]
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            # A truncated archive has no central directory: look at the local headers instead.
            if b"word/" in data[: 64 * 1024]:
                return "docx"
            if b"xl/" in data[: 64 * 1024]:
                return "xlsx"
            return "zip"
        if _DOCUMENT in names or any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        if _WORD_TYPES.search(types):  # a Word package whose main part has another name
            return "docx"
        return "zip"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith(b"{\\rtf"):
        return "rtf"
    if stripped.startswith((b"<html", b"<!doctype html", b"mime-version:")) or b"<html" in stripped[:512]:
        return "html"
    return "unknown"


_OFFICE_DOC_RELS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",  # Strict OOXML
)
_STYLES_REL = "/styles"
_ALT_CHUNK_REL = "/aFChunk"
# Strict OOXML (ISO 29500 Strict) names the same elements under other namespace URIs; the reader
# speaks Transitional, so a Strict part's URIs are rewritten before it is parsed.
STRICT_NAMESPACES = (
    (b"http://purl.oclc.org/ooxml/wordprocessingml/main", b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"),
    (b"http://purl.oclc.org/ooxml/officeDocument/relationships",
     b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"),
    (b"http://purl.oclc.org/ooxml/drawingml/main", b"http://schemas.openxmlformats.org/drawingml/2006/main"),
)
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _duplicates(zf: zipfile.ZipFile) -> list[str]:
    seen: set[str] = set()
    dup: list[str] = []
    for info in zf.infolist():
        key = info.filename.lstrip("/").lower()  # part names are case-insensitive (OPC)
        if key in seen:
            dup.append(info.filename)
        seen.add(key)
    return dup


def _part_name(base: str, target: str) -> str:
    """A relationship target resolved against the folder of the part that holds it (OPC rules)."""
    if target.startswith("/"):
        parts: list[str] = []
        target = target[1:]
    else:
        parts = [x for x in base.split("/")[:-1] if x]
    for seg in target.split("/"):
        if seg == "..":
            if parts:
                parts.pop()
        elif seg and seg != ".":
            parts.append(seg)
    return "/".join(parts)


def _relationships(zf: zipfile.ZipFile, rels_name: str, base: str,
                   data: bytes | None = None) -> list[tuple[str, str, str, str]]:
    """(id, type, target part, target mode) of every relationship in ``rels_name``; [] if absent.

    With ``data`` (the package's bytes), a part stored as one read before gets that one's relationships without
    being inflated and parsed again (:func:`_by_stored_bytes`; ~0.1 ms a part: every filing made from one template
    repeats both of its relationship parts)."""
    if rels_name not in zf.namelist():
        return []

    def read() -> tuple[tuple[str, str, str, str], ...]:
        raw = read_member(zf, rels_name, max_member=MAX_RELS)
        for old, new in STRICT_NAMESPACES:
            raw = raw.replace(old, new)
        root = parse_xml(raw, rels_name)
        out = []
        for rel in root.iter(_RELS_NS + "Relationship"):
            target = rel.get("Target") or ""
            mode = rel.get("TargetMode") or "Internal"
            out.append((rel.get("Id") or "", rel.get("Type") or "", _part_name(base, target) if mode == "Internal"
                        else target, mode))
        return tuple(out)

    if data is None:
        return list(read())
    return list(_by_stored_bytes(_RELS, 64, data, zf.getinfo(rels_name), (rels_name, base), read))


# (CRC, sizes, method, flags, part name, base) → (the part's stored bytes, its relationships): see _relationships
_RELS: dict[tuple, tuple[bytes, tuple]] = {}
# (CRC, sizes, method, flags, caps) → (the part's stored bytes, what they inflated to): see _styles_part
_STYLES: dict[tuple, tuple[bytes, bytes]] = {}


def _main_part(zf: zipfile.ZipFile, data: bytes | None = None) -> str | None:
    """The main document part: the officeDocument relationship of ``_rels/.rels``, as Word finds it
    (so a renamed main part is read and an orphan ``word/document.xml`` is not); ``word/document.xml``
    when the package has no package relationships at all (some converters omit them)."""
    names = set(zf.namelist())
    rels = _relationships(zf, "_rels/.rels", "", data)
    targets = [t for _, typ, t, mode in rels if typ in _OFFICE_DOC_RELS and mode == "Internal"]
    if targets:
        return targets[0] if targets[0] in names else None
    if "_rels/.rels" in names:
        return None
    return _DOCUMENT if _DOCUMENT in names else None


_WORD_TYPES = re.compile(rb"wordprocessingml\.(?:document|template)\.main|ms-word\.(?:document|template)")


def _content_types(zf: zipfile.ZipFile) -> bytes:
    """The package's [Content_Types].xml (first 64 KiB), b"" if absent or unreadable: says what the
    main part is (Word document, macro-enabled document, template) whatever it is named."""
    try:
        info = zf.getinfo("[Content_Types].xml")
        if info.flag_bits & 0x1:
            return b""
        with zf.open(info) as fh:
            return fh.read(64 * 1024)
    except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        return b""


def _open_zip(data: bytes, *, max_file: int) -> tuple[zipfile.ZipFile, str]:
    """Check size, container type and package structure; return the open zip and its main part name."""
    if len(data) > max_file:
        raise RejectedFile(
            f"the file is {len(data) / MiB:.1f} MiB, above the {max_file / MiB:.0f} MiB limit for one filing",
            kind="too_large",
        )
    kind = sniff(data)
    if kind not in ("docx", "zip", "xlsx"):
        raise RejectedFile(_REASONS[kind], kind=kind)
    try:
        zf = _sniffed_zip(data) or zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise RejectedFile(
            f"the .docx is truncated or corrupt (not a readable zip archive: {exc}); download it again",
            kind="truncated",
        ) from None
    try:
        dup = _duplicates(zf)
        if dup:
            raise RejectedFile(
                f"the archive holds two entries named {dup[0]!r}; which one Word would show is ambiguous, so "
                "neither is trusted (a damaged or tampered file) — ask the publisher for a clean copy",
                kind="duplicate_part",
            )
        main = _main_part(zf, data)
        if main is None:
            if kind == "xlsx":
                raise RejectedFile(_REASONS["xlsx"], kind="xlsx")
            raise RejectedFile(
                "the archive has no main document part (_rels/.rels names none that exists, and there is no "
                "word/document.xml), so it is not a Word document (or it is damaged)",
                kind="no_document",
            )
    except BaseException:
        zf.close()
        raise
    return zf, main


def read_member(
    zf: zipfile.ZipFile, name: str, *, max_member: int = MAX_MEMBER, max_ratio: int = MAX_RATIO
) -> bytes:
    """Inflate one member, refusing bombs before and while inflating.

    The declared sizes are checked first; then at most ``max_member`` + 1 bytes are ever
    inflated, because a forged header can declare a small size for a huge stream.
    """
    info = zf.getinfo(name)
    if info.flag_bits & 0x1:
        raise RejectedFile(
            "the document is password-protected (encrypted zip entries); remove the password and save it again",
            kind="encrypted",
        )
    if info.file_size > max_member:
        raise RejectedFile(
            f"{name} would inflate to {info.file_size / MiB:.0f} MiB, above the {max_member / MiB:.0f} MiB "
            "limit: the file looks like a decompression bomb",
            kind="bomb",
        )
    if info.file_size > RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
        raise RejectedFile(
            f"{name} is compressed {info.file_size / max(info.compress_size, 1):.0f}:1 (limit {max_ratio}:1): "
            "the file looks like a decompression bomb",
            kind="bomb",
        )
    chunks: list[bytes] = []
    total = 0
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(1 * MiB)
                if not chunk:
                    break
                total += len(chunk)
                if total > max_member:
                    raise RejectedFile(
                        f"{name} inflates past the {max_member / MiB:.0f} MiB limit although it declares "
                        f"{info.file_size} bytes: the file looks like a decompression bomb",
                        kind="bomb",
                    )
                chunks.append(chunk)
    except RejectedFile:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise RejectedFile(
            f"the .docx is truncated or corrupt ({name} cannot be inflated: {exc}); download it again",
            kind="truncated",
        ) from None
    return b"".join(chunks)


def hardened_parser(target=None) -> etree.XMLParser:
    """An lxml parser that never loads a DTD, resolves an entity or touches the network.

    ``target`` (an lxml parser target) checks a document without building a tree.
    """
    return etree.XMLParser(
        target=target,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def _prolog_text(xml: bytes) -> bytes:
    """The bytes before the root element, re-encoded to UTF-8 when the file is UTF-16."""
    head = xml[: 64 * 1024]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(head) > 1 and b"\x00" in head[:4]):
        for enc in ("utf-16", "utf-16-le", "utf-16-be"):
            try:
                return head.decode(enc, errors="ignore").encode("utf-8")
            except (UnicodeError, LookupError):
                continue
    return head


def parse_xml(xml: bytes, name: str = _DOCUMENT) -> etree._Element:
    """Parse one XML part with the hardened parser; reject any DTD and any malformed XML."""
    if _DTD_RE.search(_prolog_text(xml)):
        raise RejectedFile(
            f"{name} declares a DTD/ENTITY (<!DOCTYPE …>), which Word never writes: refused as a possible "
            "XML entity attack (XXE / billion laughs)",
            kind="xml_dtd",
        )
    try:
        root = etree.fromstring(xml, hardened_parser())
    except etree.XMLSyntaxError as exc:
        raise RejectedFile(
            f"{name} is not well-formed XML ({exc}); the file is damaged — open and re-save it in Word/WPS",
            kind="malformed",
        ) from None
    if root is None:
        raise RejectedFile(f"{name} is empty; the file is damaged", kind="malformed")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise RejectedFile(
            f"{name} declares a DTD (<!DOCTYPE …>), which Word never writes: refused as a possible "
            "XML entity attack (XXE / billion laughs)",
            kind="xml_dtd",
        )
    return root


@dataclass
class DocxParts:
    """What a Word package holds for the reader, every part inflated under the caps and checked.

    ``document`` is the main part (found through ``_rels/.rels``; Strict namespaces rewritten to
    Transitional), ``styles`` the raw styles part or None, ``alt_chunks`` the parts that
    ``w:altChunk`` elements import (relationship id → (part name, bytes)).
    """

    document: etree._Element
    styles: bytes | None
    main_part: str
    alt_chunks: dict[str, tuple[str, bytes]] = field(default_factory=dict)


# A cell's width (``<w:tcW w:w="1234" w:type="dxa"/>``, in every cell Word writes) is never read: the reader takes a
# table's grid from its cells' spans.  Its two attributes are a third of a table-heavy document.xml's bytes and most of
# what libxml2 spends building and freeing the tree (on the 280-filing corpus: 2.2 -> 1.3 ms a filing, for ~0.3 ms of
# this substitution).  The pattern takes only a whole empty element: between ``<w:tcW `` and ``/>`` no ``<`` or ``>``
# (an attribute value may not hold a ``<``; one holding a ``>`` stops the match and the element stays).  Where the
# part holds a CDATA section, whose text such a pattern could reach into, nothing is taken out.
# A cell's properties that hold nothing but its width (``<w:tcPr><w:tcW …/></w:tcPr>``: every cell python-docx and
# many converters write) go whole: an empty ``w:tcPr`` reads as none (span 1, no merge), and an element fewer in every
# cell is ~0.1 ms a filing less to build and free.
_CELL_WIDTH = re.compile(rb"<w:tcPr><w:tcW [^<>]*/></w:tcPr>|<w:tcW [^<>]*/>")


def _without_cell_widths(xml: bytes) -> bytes:
    """The main document part without its cells' widths (``w:tcW``), which no reader path reads, and without the cell
    properties that held nothing else."""
    if b"<w:tcW " not in xml or b"<![CDATA[" in xml:
        return xml
    return _CELL_WIDTH.sub(b"", xml)


def _strict_to_transitional(xml: bytes) -> bytes:
    if b"purl.oclc.org/ooxml" not in xml[:8192]:
        return xml
    for old, new in STRICT_NAMESPACES:
        xml = xml.replace(old, new)
    return xml


def open_docx(
    data: bytes,
    *,
    max_file: int = MAX_FILE,
    max_member: int = MAX_MEMBER,
    max_ratio: int = MAX_RATIO,
) -> DocxParts:
    """Open a Word package (.docx/.docm/.dotx/.dotm) the way Word does; raise RejectedFile saying why not.

    The main part is the one ``_rels/.rels`` names; its styles part and altChunk parts are found
    through its own relationships.  The styles part is inflated under the same caps but not parsed
    here (a DTD in it is still refused).
    """
    zf, main = _open_zip(data, max_file=max_file)
    with zf:
        doc = parse_xml(_without_cell_widths(_strict_to_transitional(
            read_member(zf, main, max_member=max_member, max_ratio=max_ratio))), main)
        names = set(zf.namelist())
        folder, _, leaf = main.rpartition("/")
        rels = _relationships(zf, f"{folder + '/' if folder else ''}_rels/{leaf}.rels", main, data)
        style_parts = [t for _, typ, t, mode in rels if typ.endswith(_STYLES_REL) and mode == "Internal"]
        styles_name = style_parts[0] if style_parts else ("word/styles.xml" if main == _DOCUMENT else None)
        styles = None
        if styles_name in names:
            styles = _styles_part(zf, styles_name, data, max_member, max_ratio)
        chunks = {}
        for rid, typ, target, mode in rels:
            if typ.endswith(_ALT_CHUNK_REL) and mode == "Internal" and target in names:
                chunks[rid] = (target, read_member(zf, target, max_member=max_member, max_ratio=max_ratio))
    return DocxParts(doc, styles, main, chunks)


def _styles_part(zf: zipfile.ZipFile, name: str, data: bytes, max_member: int, max_ratio: int) -> bytes | None:
    """The styles part inflated and checked, or None where it is damaged (a bomb, an encrypted part or a DTD in it
    is still refused).  Every filing made from one template repeats the same styles part (~350 KB inflated, ~0.5 ms
    to inflate): a part stored as one seen before gets that one's result (:func:`_by_stored_bytes`)."""
    return _by_stored_bytes(_STYLES, 16, data, zf.getinfo(name), (max_member, max_ratio),
                            lambda: _checked_styles(zf, name, max_member, max_ratio))


def _checked_styles(zf: zipfile.ZipFile, name: str, max_member: int, max_ratio: int) -> bytes | None:
    styles = None
    try:
        styles = _strict_to_transitional(read_member(zf, name, max_member=max_member, max_ratio=max_ratio))
    except RejectedFile as exc:
        # Styles only help find headings and hidden text; a damaged styles part must not hide
        # the tables, but an attack in it is still an attack.
        if exc.kind in ("bomb", "encrypted"):
            raise
    if styles is not None and _DTD_RE.search(_prolog_text(styles)):
        raise RejectedFile(
            f"{name} declares a DTD (<!DOCTYPE …>), which Word never writes: refused as a "
            "possible XML entity attack (XXE / billion laughs)",
            kind="xml_dtd",
        )
    return styles


def _by_stored_bytes(cache: dict, limit: int, data: bytes, info: zipfile.ZipInfo, more: tuple, read):
    """``read()`` for a member, or what it gave for a member stored as this one was before: the same stored
    (compressed) bytes, method, flags and declared sizes — and ``more``, what else the result depends on — inflate to
    the same bytes, so every check gives the same answer.  Only results that passed (not None, no exception) are
    kept, at most ``limit`` (then the cache starts again)."""
    raw = _stored_bytes(data, info)
    key = (info.CRC, info.file_size, info.compress_size, info.compress_type, info.flag_bits, *more)
    held = cache.get(key)
    if held is not None and raw is not None and held[0] == raw:
        return held[1]
    value = read()
    if value is not None and raw is not None:
        if len(cache) >= limit:
            cache.clear()
        cache[key] = (raw, value)
    return value


def _stored_bytes(data: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """A member's bytes as stored in the archive (compressed), from its local header; None if that header is not
    where the directory says."""
    start = info.header_offset
    head = data[start:start + 30]
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        return None
    name_len, extra_len = int.from_bytes(head[26:28], "little"), int.from_bytes(head[28:30], "little")
    begin = start + 30 + name_len + extra_len
    raw = data[begin:begin + info.compress_size]
    return raw if len(raw) == info.compress_size else None


def open_docx_parts(
    data: bytes,
    *,
    max_file: int = MAX_FILE,
    max_member: int = MAX_MEMBER,
    max_ratio: int = MAX_RATIO,
) -> tuple[etree._Element, bytes | None]:
    """Return (parsed main document root, raw styles bytes or None): :func:`open_docx`, shortened."""
    parts = open_docx(data, max_file=max_file, max_member=max_member, max_ratio=max_ratio)
    return parts.document, parts.styles


def open_docx_xml(
    data: bytes,
    *,
    max_file: int = MAX_FILE,
    max_member: int = MAX_MEMBER,
    max_ratio: int = MAX_RATIO,
) -> etree._Element:
    """Return the parsed root of the main document part, or raise RejectedFile saying why not."""
    return open_docx(data, max_file=max_file, max_member=max_member, max_ratio=max_ratio).document
