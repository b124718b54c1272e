"""Shared fixtures for tests on the real filings in ../shared/real_samples (parsed once per session)."""

from __future__ import annotations

import pytest

from pipelines.lib.model import RawDocument
from pipelines.lib.pdf_reader import read_pdf
from tests.real.real_samples import REAL_PDFS


@pytest.fixture(scope="session")
def real_pdf_docs() -> dict[int, RawDocument]:
    """The three real PDF filings read by pdf_reader, keyed by budget year."""
    return {year: read_pdf(path.read_bytes()) for year, path in REAL_PDFS.items()}
