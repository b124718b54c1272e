"""The data dictionary (``docs/dictionary.md``), generated from the dbt project's YAML — the one source.

Every relation analysts query (the ``dw`` and ``marts`` models, the seed and the loader's tables dbt
reads) with its description, grain and columns (Chinese term and English meaning, from the doc
blocks of ``sql/models/columns.md``), and every vocabulary (``vars.vocabularies`` of
``sql/dbt_project.yml``): each allowed value with its Chinese term, and the columns whose
``accepted_values`` test uses it.

Reads the YAML files directly (no dbt parse), so the check that the committed file is current
(``tests/sql/test_dbt_project.py``) costs milliseconds.  Regenerate with ``yusuan docs --dictionary``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pipelines.lib import transform, vocab

_DOC_BLOCK = re.compile(r"{%\s*docs\s+(\w+)\s*%}(.*?){%\s*enddocs\s*%}", re.S)
_DOC_REF = re.compile(r"{{\s*doc\(\s*['\"](\w+)['\"]\s*\)\s*}}")
_VOCAB_REF = re.compile(r"vocabularies'\)\['(\w+)'\]")


@dataclass
class Column:
    name: str
    description: str
    vocabularies: list[str] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)


@dataclass
class Relation:
    name: str  # schema.table
    kind: str  # model | seed | source
    description: str
    grain: list[str] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)


def doc_blocks(root: Path | None = None) -> dict[str, str]:
    root = root or transform.project_dir()
    blocks: dict[str, str] = {}
    for path in sorted((root / "models").rglob("*.md")):
        for name, text in _DOC_BLOCK.findall(path.read_text(encoding="utf-8")):
            blocks[name] = text.strip()
    return blocks


_VARS_HEAD = ("  # GENERATED from pipelines/lib/vocab.py by `yusuan docs --dictionary`: edit vocab.py, not these lines "
              "(tests/sql/test_dbt_project.py fails when they are stale).\n")


def vocabularies_yaml() -> str:
    """The ``vars:`` block that ends ``sql/dbt_project.yml``: every vocabulary of :mod:`pipelines.lib.vocab`."""
    block = {"vars": {"vocabularies": {name: {m.value: m.term for m in members}
                                       for name, members in vocab.VOCABULARIES.items()}}}
    text = yaml.safe_dump(block, allow_unicode=True, sort_keys=False, width=10_000, indent=2)
    head, rest = text.split("\n", 1)
    return f"{head}\n{_VARS_HEAD}{rest}"


def write_vocabularies(root: Path | None = None) -> Path:
    """Rewrite the ``vars:`` block of ``sql/dbt_project.yml`` (its last block) from :mod:`pipelines.lib.vocab`."""
    path = (root or transform.project_dir()) / "dbt_project.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\nvars:\n") + 1
    path.write_text(text[:start] + vocabularies_yaml(), encoding="utf-8")
    return path


def vocabularies(root: Path | None = None) -> dict[str, dict[str, str]]:
    """Each vocabulary: value → Chinese term, as ``sql/dbt_project.yml`` lists them."""
    root = root or transform.project_dir()
    project = yaml.safe_load((root / "dbt_project.yml").read_text(encoding="utf-8"))
    return {name: {str(k): str(v) for k, v in values.items()} for name, values in project["vars"]["vocabularies"].items()}


def _render(text: str | None, blocks: dict[str, str]) -> str:
    return _DOC_REF.sub(lambda m: blocks.get(m[1], m[0]), text or "").strip()


def _column(spec: dict, blocks: dict[str, str]) -> Column:
    column = Column(spec["name"], _render(spec.get("description"), blocks))
    for test in spec.get("data_tests") or []:
        if isinstance(test, str):
            column.tests.append(test)
            continue
        (kind, body), = test.items()
        column.tests.append(kind)
        if kind == "accepted_values":
            values = (body.get("arguments") or body).get("values")
            column.vocabularies += _VOCAB_REF.findall(str(values))
    return column


def relations(root: Path | None = None) -> list[Relation]:
    """The dbt project's relations with their documented columns, models and seeds first."""
    root = root or transform.project_dir()
    blocks = doc_blocks(root)
    project = yaml.safe_load((root / "dbt_project.yml").read_text(encoding="utf-8"))
    out: list[Relation] = []
    for path in sorted((root / "models").rglob("*.yml")) + sorted((root / "seeds").rglob("*.yml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for model in spec.get("models", []) + spec.get("seeds", []):
            kind = "model" if model in spec.get("models", []) else "seed"
            if kind == "model":
                schema = path.parent.name
                name = f"{schema}.{model['name']}"
            else:
                seed = project["seeds"]["yusuan"][model["name"]]
                name = f"{seed['+schema']}.{seed.get('+alias', model['name'])}"
            grain = []
            for test in model.get("data_tests") or []:
                if isinstance(test, dict) and "unique_combination" in test:
                    grain = list(test["unique_combination"]["arguments"]["columns"])
            columns = [_column(c, blocks) for c in model.get("columns", [])]
            if not grain:
                grain = [c.name for c in columns if "unique" in c.tests]
            out.append(Relation(name, kind, _render(model.get("description"), blocks), grain, columns))
        for source in spec.get("sources", []):
            for table in source.get("tables", []):
                columns = [_column(c, blocks) for c in table.get("columns", [])]
                out.append(Relation(f"{source['schema']}.{table['name']}", "source",
                                    _render(table.get("description"), blocks), [], columns))
    order = {"model": 0, "seed": 1, "source": 2}
    schema_order = {"marts": 0, "dw": 1}
    return sorted(out, key=lambda r: (order[r.kind], schema_order.get(r.name.split(".")[0], 9), r.name))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(root: Path | None = None) -> str:
    """The dictionary as Markdown."""
    vocab = vocabularies(root)
    rels = relations(root)
    used: dict[str, list[str]] = {}
    for rel in rels:
        for col in rel.columns:
            for v in col.vocabularies:
                used.setdefault(v, []).append(f"{rel.name}.{col.name}")
    lines = [
        "# Data dictionary (数据字典)",
        "",
        "<!-- Generated from the dbt project's YAML (sql/dbt_project.yml, sql/models/**/*.yml,",
        "     sql/models/columns.md) by `yusuan docs --dictionary`; a test fails when it is stale. -->",
        "",
        "Every relation of the warehouse an analyst queries, its grain (the columns that identify a row,",
        "tested unique by `dbt build`), each column with its Chinese term, and every allowed value of the",
        "vocabulary columns (tested by `accepted_values`).  The dbt docs site (`yusuan docs`) shows the same",
        "with the lineage graph.",
        "",
        "## Relations",
        "",
    ]
    for rel in rels:
        lines += [f"### `{rel.name}`", "", f"{rel.description}" + (f" ({rel.kind})" if rel.kind != "model" else ""), ""]
        if rel.grain:
            lines += [f"Grain: one row per `({', '.join(rel.grain)})`.", ""]
        if rel.columns:
            lines += ["| column | 中文 — meaning | allowed values |", "|---|---|---|"]
            for col in rel.columns:
                values = ", ".join(f"[{v}](#{v})" for v in col.vocabularies)
                lines.append(f"| `{col.name}` | {_cell(col.description)} | {values} |")
            lines.append("")
    lines += ["## Vocabularies", "", "The allowed values of each vocabulary column, with their Chinese terms.", ""]
    for name, values in vocab.items():
        lines += [f"### {name}", ""]
        if used.get(name):
            lines += ["Used by " + ", ".join(f"`{c}`" for c in used[name]) + ".", ""]
        lines += ["| value | 中文 |", "|---|---|"]
        lines += [f"| `{value}` | {_cell(term)} |" for value, term in values.items()]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def dictionary_path() -> Path:
    return Path(__file__).resolve().parents[2] / "docs" / "dictionary.md"


def write(path: Path | None = None) -> Path:
    path = path or dictionary_path()
    path.write_text(render(), encoding="utf-8")
    return path
