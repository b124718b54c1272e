"""Write the shipped sample filings under ``data/samples`` (deterministic: same bytes every run).

    python -m pipelines.samples.make_samples [--out data/samples]

One transcription of a published filing (中国共产党魏县委员会办公室 2023, from the seed's text
rendering kept beside this module as ``reference_2023.txt``) and synthetic filings built from
the figures in :mod:`pipelines.samples.synthetic`.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pipelines.samples import final_accounts, synthetic
from pipelines.samples.docx_writer import DocInfo, write_docx
from pipelines.samples.rendering import parse_rendering

REFERENCE_TEXT = Path(__file__).with_name("reference_2023.txt")
REGION = Path("河北省", "邯郸市", "魏县")
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "data" / "samples"
REFERENCE_INFO = DocInfo(
    title="中国共产党魏县委员会办公室2023年部门预算信息公开",
    subject="部门预算公开 201 中国共产党魏县委员会办公室 2023",
    comments=(
        "Transcription of the published filing, from the text rendering in the yusuan seed "
        "(000_90c74acd61f76a6e.txt); figures, typos and duplicated text kept as published."
    ),
    keywords="部门预算; 魏县; 2023; transcription",
)


def sample_path(out_dir: Path, year: int, code: str, name: str) -> Path:
    """Where a filing goes: ``<out>/河北省/邯郸市/魏县/<year>/<code>_<name>_<year>.docx``."""
    return out_dir / REGION / str(year) / f"{code}_{name}_{year}.docx"


def write_reference(out_dir: Path) -> Path:
    """Write the transcription of the published 2023 filing of 中国共产党魏县委员会办公室."""
    blocks = parse_rendering(REFERENCE_TEXT.read_text(encoding="utf-8"))
    path = sample_path(out_dir, 2023, "201", "中国共产党魏县委员会办公室")
    return write_docx(blocks, path, REFERENCE_INFO)


def write_all(out_dir: Path) -> list[Path]:
    """Write the reference and every synthetic filing under ``out_dir``; return their paths."""
    paths = [write_reference(out_dir)]
    for filing in synthetic.FILINGS:
        path = sample_path(out_dir, filing.year, filing.dept.code, filing.dept.name)
        paths.append(write_docx(synthetic.blocks(filing), path, synthetic.doc_info(filing)))
    # the 决算 of 魏县教育局 2023, executing its budget above
    paths.append(write_docx(final_accounts.blocks(), final_accounts.path(out_dir), final_accounts.doc_info()))
    return paths


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output root (default: data/samples)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    paths = write_all(args.out)
    for path in paths:
        print(f"{path.stat().st_size:>8}  {path.relative_to(args.out)}")
    print(f"{len(paths)} filings in {time.perf_counter() - started:.2f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
