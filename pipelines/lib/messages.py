"""The messages a user reads: why a file was rejected and what to do about it, names and paths made printable,
and the advice that goes with a reason.

A reason names the file's problem in plain words and ends with what to do (``ADVICE`` adds that where a reader's
reason only names the problem); a reason starting with ``INTERNAL`` is yusuan's own failure, not the file's.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

# What a file really is when its bytes are not a .docx or a PDF (safe_io.sniff's kinds), and what to do.
WHAT_IT_IS = {
    "doc": ("an old Word 97-2003 .doc file", "open it in Word or WPS and save it as .docx"),
    "xls": ("an Excel 97-2003 .xls workbook, not a Word document",
            "yusuan does not read spreadsheets yet; ask the publisher for the .docx or .pdf"),
    "xlsx": ("an Excel .xlsx workbook, not a Word document",
             "yusuan does not read spreadsheets yet; ask the publisher for the .docx or .pdf"),
    "zip": ("a zip archive, not a Word document (it has no word/document.xml)",
            "unpack it and ingest the filings inside"),
    "encrypted_ooxml": ("a password-protected (encrypted) Office document",
                        "remove the password in Word/WPS or ask the publisher for an unprotected copy"),
    "rtf": ("an RTF file, not a Word document", "open it in Word or WPS and save it as .docx"),
    "html": ("a web page (HTML/MHT), not a Word document", "open it in Word or WPS and save it as .docx"),
    "empty": ("an empty file (0 bytes)", "the download probably failed; fetch it again"),
    "unknown": ("not a Word document or a PDF (its content is unrecognised)",
                "check that the right file was downloaded"),
}

OWN_SUFFIXES = {"doc": (".doc",), "xls": (".xls",), "xlsx": (".xlsx",), "zip": (".zip",), "rtf": (".rtf",),
                 "html": (".html", ".htm", ".mht", ".mhtml")}

# What to do, for reasons that name the problem only (the readers' RejectedFile.kind → advice).
ADVICE = {
    "no_document": "open it in Word or WPS and save it again, or fetch it again",
    "xml_dtd": "do not open it; ask the publisher for a copy saved by Word or WPS",
    "bomb": "do not open it; ask the publisher for the original file",
    "too_large": "check that it is one filing, not an archive of many",
    "malformed": "open it in Word or WPS and save it again, or fetch it again",
    "truncated": "fetch it again",
}
_HAS_ADVICE = re.compile(r"\b(again|ask|save|fetch|download|remove|export|check|give it|do not)\b", re.IGNORECASE)
# A reason starting with this is yusuan's own failure, not the file's: see Processed.reject_kind.
INTERNAL = "yusuan failed on this file"


# C0/C1 controls, DEL and the bidirectional overrides: printed raw they can retitle or clear a terminal
# or make a name read backwards.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape_controls(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                        text)


def printable(text: str) -> str:
    """``text`` as valid Unicode.  A name that is not UTF-8 on disk (a GBK name unpacked from a zip made
    on Windows reaches Python as surrogate escapes, which neither DuckDB nor a UTF-8 terminal accept)
    is decoded as GB18030, else its undecodable bytes are written as \\x escapes."""
    try:
        text.encode("utf-8")
        return _escape_controls(text)
    except UnicodeEncodeError:
        raw = os.fsencode(text)
    try:
        return _escape_controls(raw.decode("gb18030"))
    except UnicodeDecodeError:
        return _escape_controls(raw.decode("utf-8", "backslashreplace"))


def printable_path(path: Path) -> str:
    """A path for the warehouse and the terminal, each part made :func:`printable` on its own."""
    text = str(path)
    try:
        text.encode("utf-8")
        return _escape_controls(text)
    except UnicodeEncodeError:
        return str(Path(*(printable(part) for part in path.parts)))


def with_advice(reason: str, kind: str) -> str:
    """Append what to do when the reader's reason only names the problem."""
    if kind in ADVICE and not _HAS_ADVICE.search(reason):
        return f"{reason}; {ADVICE[kind]}"
    return reason


def internal_reason(stage: str, err: BaseException) -> str:
    """The reason for a file yusuan itself failed on: plain words, the exception, and what to do."""
    detail = str(err).splitlines()[0][:200] if str(err) else ""
    return (f"{INTERNAL} while {stage} it ({type(err).__name__}{': ' + detail if detail else ''}); "
            "this is a bug in yusuan, not necessarily in the file: report it with the file attached")


def join_reasons(messages: list[str]) -> str:
    """Join error findings into one reason, saying a shared closing sentence once, not per finding."""
    heads, tails = [], set()
    for m in messages:
        head, sep, tail = m.rstrip().rpartition(". ")
        if sep and tail:
            heads.append(head)
            tails.add(tail)
        else:
            heads.append(m.rstrip().rstrip("."))
    if len(tails) == 1 and len(heads) == len(messages) and all(m.rstrip().endswith(next(iter(tails)))
                                                                for m in messages):
        return "; ".join(heads) + ". " + next(iter(tails))
    return "; ".join(m.rstrip().rstrip(".") for m in messages)
