"""Errors that carry a reason an operator can act on."""

from __future__ import annotations


class RejectedFile(Exception):
    """The file cannot be read as a filing.

    ``reason`` is a plain sentence naming what is wrong and, where possible, what to do next,
    e.g. "this is a legacy Word 97-2003 .doc renamed .docx; save it as .docx and ingest again".
    The CLI prefixes the file name; ``core.documents.error`` stores the reason.
    """

    def __init__(self, reason: str, *, kind: str = "unreadable"):
        super().__init__(reason)
        self.reason = reason
        self.kind = kind  # short machine key: empty, not_zip, truncated, doc, xls, pdf, encrypted, bomb, ...
