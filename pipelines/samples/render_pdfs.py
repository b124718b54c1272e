"""Render every sample .docx to PDF with LibreOffice, into a separate tree.

    python -m pipelines.samples.render_pdfs [--samples data/samples] [--out data/samples_pdf] [NAME_PART ...]

The PDFs go under ``data/samples_pdf/<same region folders>/`` and not beside the .docx, so that
ingesting ``data/samples`` sees each filing once.  Needs ``soffice`` (Debian:
``apt-get install libreoffice-writer-nogui fonts-wqy-zenhei``; without a CJK font the Chinese
text renders as boxes).  Unlike the .docx files, the PDFs are not byte-reproducible: LibreOffice
stamps a creation date and a document id.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def render_all(samples: Path, out: Path, only: tuple[str, ...] = ()) -> list[Path]:
    """Convert each ``*.docx`` under ``samples`` (whose name contains one of ``only``, if given) to
    ``out/<same relative folder>/<stem>.pdf``."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise SystemExit("soffice not found: apt-get install libreoffice-writer-nogui fonts-wqy-zenhei")
    by_folder: dict[Path, list[Path]] = {}
    for docx_path in sorted(samples.rglob("*.docx")):
        if only and not any(part in docx_path.name for part in only):
            continue
        by_folder.setdefault(docx_path.parent, []).append(docx_path)
    written = []
    # A private profile: a shared one is locked by any other LibreOffice running on the machine.
    with tempfile.TemporaryDirectory(prefix="yusuan_lo_") as profile:
        for folder, files in by_folder.items():
            target_dir = out / folder.relative_to(samples)
            target_dir.mkdir(parents=True, exist_ok=True)
            # one soffice start per folder: starting LibreOffice costs more than converting a filing
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(target_dir),
                    *map(str, files),
                ],
                check=True,
                capture_output=True,
                timeout=600,
            )
            for docx_path in files:
                pdf = target_dir / (docx_path.stem + ".pdf")
                if not pdf.exists():
                    raise SystemExit(f"LibreOffice wrote no PDF for {docx_path}")
                written.append(pdf)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=ROOT / "data" / "samples")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "samples_pdf")
    parser.add_argument("only", nargs="*", help="render only the files whose name contains one of these "
                        "(the other PDFs keep their bytes: LibreOffice stamps each rendering)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    pdfs = render_all(args.samples, args.out, tuple(args.only))
    for pdf in pdfs:
        print(f"{pdf.stat().st_size:>8}  {pdf.relative_to(args.out)}")
    print(f"{len(pdfs)} PDFs in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
