"""Record, or compare against a record, everything yusuan makes of each PDF: every page's text layer
(``pdf_layer.read_page``: each character with its box to the last bit, the ruling edges, the counts), the
reader's RawDocument (every cell's text, grid position and spans, every paragraph, before/after lines) and the
facts, findings and check results of the whole stage (``stages.process``).

It is the proof that a change of the PDF reader changes no fact: record with the old reader, compare
with the new one, on the shipped samples and the real filings.

Run:
    .venv/bin/python bench/pdf_facts.py --write /tmp/pdf_facts_old.json     # before the change
    .venv/bin/python bench/pdf_facts.py --check /tmp/pdf_facts_old.json     # after: exit 1 on any diff
    .venv/bin/python bench/pdf_facts.py --check bench/pdf_facts_digest.json # the committed digests

The full record is large; ``--digest`` writes one SHA-256 per file and part instead, small enough to
commit (``bench/pdf_facts_digest.json``), and ``--check`` accepts either.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.lib import stages  # noqa: E402

SAMPLES = ROOT / "data" / "samples_pdf"
REAL = ROOT.parent / "shared" / "real_samples"
PARTS = ("raw", "document", "facts", "findings", "check_results", "table_cells", "layer")


def corpus() -> list[Path]:
    """The shipped sample PDFs and the real filings, in a stable order."""
    return sorted(SAMPLES.rglob("*.pdf")) + sorted(REAL.rglob("*.pdf"))


def _key(path: Path) -> str:
    for base in (ROOT, ROOT.parent / "shared"):
        try:
            return str(path.relative_to(base))
        except ValueError:
            continue
    return str(path)


def _rows(df) -> list:
    return [[str(v) for v in row] for row in df.sort(df.columns).iter_rows()] if df is not None else []


def layer(path: Path) -> list:
    """Every page's text layer as pdf_layer reads it (JSON keeps each float exactly: it writes its repr)."""
    import pypdfium2 as pdfium

    from pipelines.lib import pdf_layer

    pages = []
    doc = pdfium.PdfDocument(path.read_bytes())
    try:
        for i in range(len(doc)):
            page = doc[i]
            try:
                got = pdf_layer.read_page(page, i + 1)
            finally:
                page.close()
            pages.append([got.number, got.width, got.height, [list(c) for c in got.chars],
                          [list(e) for e in got.edges], got.painted, got.hidden, got.n_chars, got.n_text_objects,
                          got.n_images])
    finally:
        doc.close()
    return pages


def record(path: Path) -> dict:
    """One file's output, as JSON-able parts."""
    p = stages.process(path)
    doc = {k: str(v) for k, v in asdict(p.document).items() if k not in ("ingested_at", "source_path")}
    out: dict = {"document": doc}
    raw = p.filing.raw if p.filing is not None else None
    out["raw"] = None if raw is None else {
        "pages": raw.pages,
        "tables": [
            {"n_cols": t.n_cols, "page": t.page, "before": t.before, "after": t.after,
             "rows": [[[c.text, c.row, c.col, c.col_span, c.row_span, c.page] for c in r] for r in t.rows]}
            for t in raw.tables
        ],
        "paragraphs": [[q.text, q.heading, q.is_heading, q.page] for q in raw.paragraphs],
    }
    facts = {name: _rows(df) for name, df in sorted(p.frames.items()) if name not in stages.NOT_FACTS}
    out["facts"] = facts
    for name in ("findings", "check_results", "table_cells"):
        out[name] = _rows(p.frames.get(name))
    out["layer"] = layer(path)
    return out


def digest(part: object) -> str:
    return hashlib.sha256(json.dumps(part, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, help="write the full record here")
    group.add_argument("--digest", type=Path, help="write per-file, per-part digests here")
    group.add_argument("--check", type=Path, nargs="+", help="compare with records or digest files")
    parser.add_argument("--digest-out", type=Path, help="with --check: also write this run's digests here")
    args = parser.parse_args()
    files = corpus()
    if not files:
        print(f"no PDFs under {SAMPLES} or {REAL}", file=sys.stderr)
        return 2
    now = {_key(f): record(f) for f in files}
    if args.write:
        args.write.write_text(json.dumps(now, ensure_ascii=False, indent=0, sort_keys=True))
        print(f"recorded {len(now)} PDFs in {args.write}")
        return 0
    digests = {k: {part: digest(v[part]) for part in PARTS} for k, v in now.items()}
    if args.digest:
        args.digest.write_text(json.dumps(digests, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        print(f"digests of {len(now)} PDFs in {args.digest}")
        return 0
    if args.digest_out:
        args.digest_out.write_text(json.dumps(digests, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    status = 0
    for record_path in args.check:
        print(f"against {record_path}:")
        status |= _compare(json.loads(record_path.read_text()), now, digests)
    return status


def _compare(then: dict, now: dict, digests: dict) -> int:
    same, differ = 0, []
    for k in sorted(set(then) | set(now)):
        if k not in then or k not in now:
            differ.append(f"{k}: only in {'the record' if k in then else 'this run'}")
            continue
        old = then[k]
        full = isinstance(old["document"], dict)  # a full record, else digests
        bad = []
        for part in PARTS:
            if part not in old:
                continue  # a record made before this part was recorded
            if full:
                if old[part] != now[k][part]:
                    bad.append(part)
            elif old[part] != digests[k][part]:
                bad.append(part)
        if bad:
            differ.append(f"{k}: differs in {', '.join(bad)}")
            if full:
                _show(old, now[k], bad)
        else:
            same += 1
    n_facts = sum(len(rows) for v in now.values() for rows in v["facts"].values())
    total = len(set(then) | set(now))
    facts_differ = sum(any(p in line for p in ("document", "facts", "findings", "check_results")) or "only in" in line
                       for line in differ)
    print(f"identical on {same} of {total} PDFs in every part; facts, findings, checks and document rows "
          f"identical on {total - facts_differ} of {total} ({n_facts} fact rows)")
    for line in differ:
        print("  " + line)
    return 1 if differ else 0


def _show(old: dict, new: dict, parts: list[str], limit: int = 6) -> None:
    """Print the first few differing items of each part."""
    for part in parts:
        a, b = old[part], new[part]
        if isinstance(a, dict) and isinstance(b, dict):
            keys = sorted(set(a) | set(b))
            shown = 0
            for key in keys:
                if a.get(key) != b.get(key):
                    x, y = a.get(key), b.get(key)
                    if isinstance(x, list) and isinstance(y, list):
                        for i, (u, v) in enumerate(zip(x, y, strict=False)):
                            if u != v:
                                print(f"    {part}.{key}[{i}]: {str(u)[:300]}\n      -> {str(v)[:300]}")
                                shown += 1
                                break
                        if len(x) != len(y):
                            print(f"    {part}.{key}: {len(x)} -> {len(y)} items")
                    else:
                        print(f"    {part}.{key}: {str(x)[:300]}\n      -> {str(y)[:300]}")
                    shown += 1
                if shown >= limit:
                    break
        elif isinstance(a, list) and isinstance(b, list):
            for i, (u, v) in enumerate(zip(a, b, strict=False)):
                if u != v:
                    print(f"    {part}[{i}]: {str(u)[:300]}\n      -> {str(v)[:300]}")
                    break
            if len(a) != len(b):
                print(f"    {part}: {len(a)} -> {len(b)} items")


if __name__ == "__main__":
    raise SystemExit(main())
