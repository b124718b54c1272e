"""``yusuan report``: a static HTML report per county and per department, charts drawn by plotly.

The pages work offline, from ``file://``: plotly.js is written once beside them
(``assets/plotly.min.js``, from the installed plotly package) and no page loads anything from the
network.  Every figure comes from the marts (``marts.three_public_trend``, ``marts.yoy_change``,
``marts.budget_execution`` where 决算 are loaded) and ``quality.findings``; amounts are shown in 万元.

Layout of the output folder::

    index.html                      every county and department, with links
    county/<county>.html            三公 trends, biggest year-over-year changes, execution, findings
    department/<department_key>.html the same for one department
    assets/plotly.min.js
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from pipelines.lib.checks import LABELS
from pipelines.lib.warehouse import query_pl

# The 三公 categories drawn (the parts, so stacked bars add up to the 合计), with their printed names.
THREE_PUBLIC_PARTS = {
    "overseas_travel": "因公出国（境）费",
    "vehicle_purchase": "公务用车购置费",
    "vehicle_operation": "公务用车运行费",
    "reception": "公务接待费",
}
THREE_PUBLIC_TOTAL = "total"
MEASURES = {"total": "合计", "basic": "基本支出", "project": "项目支出"}
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
TOP_CHANGES = 15
MAX_FINDINGS = 200


@dataclass
class Scope:
    """One page: a county or a department, and how to filter the marts to it."""

    kind: str  # county | department
    title: str
    file: str  # path of the page under the output folder
    where: str  # SQL condition on the marts' columns (county / department_key)
    params: list
    children: list[Scope] = field(default_factory=list)


@dataclass
class Report:
    out_dir: Path
    pages: list[Path]
    counties: int
    departments: int


def _has(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    schema, name = relation.split(".", 1)
    return bool(con.execute("select 1 from information_schema.tables where table_schema = ? and table_name = ?",
                            [schema, name]).fetchall())


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    schema, name = relation.split(".", 1)
    return [r[0] for r in con.execute("select column_name from information_schema.columns where table_schema = ? "
                                      "and table_name = ? order by ordinal_position", [schema, name]).fetchall()]


def _slug(text: str) -> str:
    """A file name from a county name: kept readable, only path-unsafe characters replaced."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("._") or "unknown"


def scopes(con: duckdb.DuckDBPyConnection) -> list[Scope]:
    """Every county (NULL as 未知县) and, under each, its departments."""
    rows = query_pl(con, """
        select department_key, coalesce(county, '') as county, department_name, department_code
        from dw.dim_department where n_loaded_documents > 0 order by county, department_code nulls last, department_name
    """)
    out: dict[str, Scope] = {}
    for r in rows.iter_rows(named=True):
        county = r["county"]
        if county not in out:
            title = county or "（未注明县区）"
            out[county] = Scope("county", title, f"county/{_slug(county or 'unknown')}.html",
                                "coalesce(county, '') = ?", [county])
        name = r["department_name"] or r["department_code"] or "?"
        out[county].children.append(Scope(
            "department", f"{name}（{county or '未注明县区'}）", f"department/{r['department_key']}.html",
            "department_key = ?", [r["department_key"]]))
    return list(out.values())


# --------------------------------------------------------------------------------------------
# charts (plotly figures; plotly is imported lazily: the CLI's other commands do not need it)


def _layout(fig, title: str, *, height: int = 380) -> None:
    fig.update_layout(title={"text": title, "x": 0.01}, font={"family": FONT, "size": 13}, height=height,
                      margin={"l": 60, "r": 20, "t": 50, "b": 40}, legend={"orientation": "h", "y": -0.15},
                      plot_bgcolor="white", paper_bgcolor="white")
    fig.update_xaxes(gridcolor="#eee")
    fig.update_yaxes(gridcolor="#eee", zerolinecolor="#ccc")


def _float(values) -> list[float | None]:
    return [None if v is None else float(v) for v in values]


def three_public_chart(con, scope: Scope):
    """County: the 三公 合计 of each department by year (lines).  Department: its parts by year (stacked)."""
    import plotly.graph_objects as go

    fig = go.Figure()
    # One budget figure per department and year: summed over every filing, 魏县教育局 2023 showed 33.00 (its budget)
    # + 33.00 (its 决算's 预算数) + 30.07 (the 决算数) = 96.07 万元, and a body's 部门预算 and 单位预算 counted the
    # same money twice. So: the 预算数 (basis budget), from the budget filing when loaded, else from the 决算, and
    # the 部门 filing before the 单位 one; 决算 against budget is the execution section's.
    budgets = f"""(select * from marts.three_public_trend where {scope.where} and basis = 'budget'
                   qualify rank() over (partition by department_key, year
                                        order by doc_type = 'budget' desc, scope = 'department' desc) = 1)"""
    if scope.kind == "county":
        df = query_pl(con, f"""
            select department_name, year, sum(amount_wan) as wan from {budgets}
            where category = ? group by all order by department_name, year
        """, [*scope.params, THREE_PUBLIC_TOTAL])
        for (name,), part in df.group_by("department_name", maintain_order=True):
            fig.add_trace(go.Scatter(x=part["year"].to_list(), y=_float(part["wan"]), mode="lines+markers",
                                     name=name, hovertemplate="%{x}年 %{y:,.2f} 万元"))
        _layout(fig, "“三公”经费合计，按部门（万元）")
    else:
        df = query_pl(con, f"""
            select category, year, sum(amount_wan) as wan from {budgets}
            where category in ({", ".join("?" for _ in THREE_PUBLIC_PARTS)})
            group by all order by year
        """, [*scope.params, *THREE_PUBLIC_PARTS])
        for category, label in THREE_PUBLIC_PARTS.items():
            part = df.filter(pl.col("category") == category)
            fig.add_trace(go.Bar(x=part["year"].to_list(), y=_float(part["wan"]), name=label,
                                 hovertemplate="%{x}年 %{y:,.2f} 万元"))
        fig.update_layout(barmode="stack")
        _layout(fig, "“三公”经费构成（万元）")
    fig.update_xaxes(type="category", title_text="年度")
    return fig if df.height else None


# 预算 / 决算, 部门 / 单位 and 预算数 / 决算数 as the page says them: a 决算's change and a 预算's (or a 部门's and its
# 单位's) of one department, subject and year are two rows, which without these columns read as one printed twice
DOC_TYPES = {"budget": "预算", "final_accounts": "决算"}
SCOPES = {"department": "部门", "unit": "单位"}
BASES = {"budget": "预算数", "adjusted_budget": "调整预算数", "final": "决算数"}
_TERM = "coalesce(map_extract_value(MAP {terms}, {col}), {col})"


def changes(con, scope: Scope) -> pl.DataFrame:
    """The biggest year-over-year changes of 支出总表 by function class (类), largest first."""
    return query_pl(con, f"""
        select department_name as 部门, {_TERM.format(col="doc_type", terms=DOC_TYPES)} as 类型,
               {_TERM.format(col="scope", terms=SCOPES)} as 范围, {_TERM.format(col="basis", terms=BASES)} as 口径,
               subject_code as 科目编码, subject_name as 科目, measure,
               prior_year as 上年, year as 年度, prior_amount_wan::decimal(18, 2) as 上年万元,
               amount_wan::decimal(18, 2) as 本年万元, change_wan::decimal(18, 2) as 增减万元, change_pct as 增减百分比
        from marts.yoy_change
        where {scope.where} and table_kind = 'expenditure' and measure = 'total' and length(subject_code) = 3
          and change_wan is not null
        order by abs(change_wan) desc, department_name, subject_code, year
        limit {TOP_CHANGES}
    """, scope.params).drop("measure")


def changes_chart(df: pl.DataFrame):
    import plotly.graph_objects as go

    if not df.height:
        return None
    mixed = df.select("类型", "范围", "口径").n_unique() > 1  # then each bar says which series it is
    labels = [f"{r['部门']} {r['科目']}（{r['上年']}→{r['年度']}{'，' + r['范围'] + r['类型'] + r['口径'] if mixed else ''}）"
              for r in df.iter_rows(named=True)]
    values = _float(df["增减万元"])
    fig = go.Figure(go.Bar(x=values[::-1], y=labels[::-1], orientation="h",
                           marker_color=["#c0392b" if v and v > 0 else "#2471a3" for v in values[::-1]],
                           hovertemplate="%{x:,.2f} 万元<extra></extra>"))
    _layout(fig, "同比变化最大的支出功能分类（类，万元）", height=120 + 28 * len(labels))
    fig.update_layout(margin={"l": 20, "r": 20, "t": 50, "b": 40})
    fig.update_yaxes(automargin=True)
    return fig


def execution(con, scope: Scope) -> tuple[pl.DataFrame | None, str]:
    """``marts.budget_execution`` for the scope — 支出总表 by 类 and the 三公 合计, budget against 决算 — or
    None with a word on why there is none."""
    if not _has(con, "marts.budget_execution"):
        return None, "此仓库尚无预算执行数据（marts.budget_execution）：载入决算（final_accounts）后显示。"
    try:
        df = query_pl(con, f"""
            select department_name as 部门, {_TERM.format(col="scope", terms=SCOPES)} as 范围, year as 年度, case when table_kind = 'three_public' then '“三公”' || coalesce(subject_name, '') else subject_name end as 项目,
                   subject_code as 科目编码, budget_wan::decimal(18, 2) as 预算万元,
                   final_wan::decimal(18, 2) as 决算万元, execution_pct as 执行率百分比,
                   -- a 决算数 the filing left blank shows as 0 above: say so (its finding is three_public_blank)
                   case when final_printed then '' else '决算数空白，按 0 计' end as 说明
            from marts.budget_execution
            where {scope.where} and measure = 'total'
              and ((table_kind = 'expenditure' and length(subject_code) = 3) or table_kind = 'three_public')
            order by 年度, 部门, table_kind, 科目编码
        """, scope.params)
    except duckdb.Error as err:  # a mart of another shape (an older or newer yusuan)
        return None, f"marts.budget_execution 无法读取：{str(err).splitlines()[0]}"
    if not df.height:
        return None, "尚未载入决算：预算执行在载入决算（final_accounts）后显示。"
    return df, ""


def execution_chart(df: pl.DataFrame | None):
    """Budget against 决算 by 类 (and 三公), per year."""
    import plotly.graph_objects as go

    if df is None or not df.height:
        return None
    one = df["部门"].n_unique() == 1
    both = df["范围"].n_unique() > 1  # a 部门决算 and a 单位决算 of one body: say which bar is which
    labels = [f"{'' if one else r['部门'] + ' '}{r['项目']}（{r['年度']}{'，' + r['范围'] if both else ''}）"
              for r in df.iter_rows(named=True)]
    fig = go.Figure([
        go.Bar(x=labels, y=_float(df["预算万元"]), name="预算", hovertemplate="%{y:,.2f} 万元"),
        go.Bar(x=labels, y=_float(df["决算万元"]), name="决算", hovertemplate="%{y:,.2f} 万元"),
    ])
    _layout(fig, "预算与决算（万元；无预算的项目只有决算）", height=460)
    fig.update_layout(legend={"orientation": "h", "y": 1.1, "x": 1, "xanchor": "right"})
    fig.update_xaxes(tickangle=-30, automargin=True)
    return fig


def finding_pages(con) -> pl.DataFrame | None:
    """The page each table with a finding starts on (document_id, source_table, page), read once per report: a
    reader opens the PDF there, as `yusuan check` prints it (``#13 p.18``).  None in a warehouse without
    raw.table_cells."""
    if not _has(con, "raw.table_cells"):
        return None
    return query_pl(con, """
        select document_id, source_table, min(page) as 页 from raw.table_cells
        where document_id in (select document_id from quality.findings) and page is not null
        group by all
    """)


def findings(con, scope: Scope, pages: pl.DataFrame | None = None) -> pl.DataFrame:
    from pipelines.lib.check_view import table_name

    df = query_pl(con, f"""
        select d.year as 年度, d.department_name as 部门, d.file_name as 文件, f.severity as 级别,
               f."check" as 检查, f.table_kind as 表, f.location as 位置, f.message as 说明,
               f.document_id, try_cast(regexp_extract(f.location, '^table (\\d+)', 1) as integer) as source_table
        from quality.findings f join dw.dim_document d using (document_id)
        where d.status = 'loaded' and {scope.where.replace("county", "d.county").replace("department_key", "d.department_key")}
        order by f.severity, d.year, d.department_name, f."check"
        limit {MAX_FINDINGS}
    """, scope.params)
    if pages is not None:
        df = df.join(pages, on=["document_id", "source_table"], how="left", maintain_order="left")
    else:
        df = df.with_columns(pl.lit(None, dtype=pl.Int32).alias("页"))
    # the table by the name the filing's reader knows (“三公”经费表), not the warehouse's key (three_public)
    names = {k: table_name(k) for k in df["表"].unique().to_list() if k is not None}
    return df.with_columns(pl.col("表").replace_strict(names, default=None, return_dtype=pl.String)).select(
        "年度", "部门", "文件", "级别", "检查", "表", "页", "位置", "说明")


# --------------------------------------------------------------------------------------------
# HTML

CSS = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       margin: 0 auto; max-width: 1100px; padding: 1em 2em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f4f4f4; } .note { color: #666; } nav a { margin-right: 1em; }
"""



def _table(df: pl.DataFrame | None) -> str:
    if df is None or not df.height:
        return '<p class="note">（无）</p>'
    head = "".join(f"<th>{html.escape(c)}</th>" for c in df.columns)
    numeric = {c for c in df.columns if df.schema[c].is_numeric()}
    body = []
    for row in df.iter_rows():
        cells = []
        for c, v in zip(df.columns, row, strict=True):
            text = "" if v is None else (f"{v:,}" if c in numeric and not c.endswith(("年度", "年", "页")) and c != "year"
                                         else str(v))
            cells.append(f'<td class="num">{html.escape(text)}</td>' if c in numeric else f"<td>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _figure(fig, div_id: str) -> str:
    if fig is None:
        return '<p class="note">（无数据）</p>'
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                       config={"displaylogo": False, "responsive": True})


def _page(title: str, body: str, depth: int) -> str:
    up = "../" * depth
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<link rel="icon" href="data:,">
<style>{CSS}</style>
<script src="{up}assets/plotly.min.js"></script>
</head><body>
<nav><a href="{up}index.html">yusuan 报告首页</a></nav>
{body}
</body></html>
"""


def render_scope(con, scope: Scope, pages: pl.DataFrame | None = None) -> str:
    three = three_public_chart(con, scope)
    top = changes(con, scope)
    exe, why = execution(con, scope)
    found = findings(con, scope, pages)
    parts = [f"<h1>{html.escape(scope.title)}</h1>"]
    if scope.children:
        links = "".join(f'<li><a href="../{c.file}">{html.escape(c.title)}</a></li>' for c in scope.children)
        parts.append(f"<h2>部门</h2><ul>{links}</ul>")
    parts += [
        "<h2>“三公”经费</h2>", _figure(three, "three-public"),
        "<h2>同比变化最大的支出（支出总表，按功能分类“类”）</h2>", _figure(changes_chart(top), "changes"), _table(top),
        "<h2>预算执行</h2>",
        (_figure(execution_chart(exe), "execution") + _table(exe)) if exe is not None else f'<p class="note">{html.escape(why)}</p>',
        f"<h2>校验发现（{found.height}{'+' if found.height >= MAX_FINDINGS else ''} 条）</h2>", _table(found),
    ]
    return _page(scope.title, "\n".join(parts), depth=1)


def write_report(con: duckdb.DuckDBPyConnection, out_dir: str | Path,
                 echo: Callable[[str], None] = lambda _: None) -> Report:
    """Write the report under ``out_dir`` (created); returns what was written."""
    from plotly.offline import get_plotlyjs

    out_dir = Path(out_dir)
    (out_dir / "assets").mkdir(parents=True, exist_ok=True)
    (out_dir / "county").mkdir(exist_ok=True)
    (out_dir / "department").mkdir(exist_ok=True)
    (out_dir / "assets" / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
    pages: list[Path] = []
    all_scopes = scopes(con)
    table_pages = finding_pages(con)
    for county in all_scopes:
        for scope in [county, *county.children]:
            path = out_dir / scope.file
            path.write_text(render_scope(con, scope, table_pages), encoding="utf-8")
            pages.append(path)
            echo(f"  {scope.file}")
    items = []
    for county in all_scopes:
        deps = "".join(f'<li><a href="{c.file}">{html.escape(c.title)}</a></li>' for c in county.children)
        items.append(f'<li><a href="{county.file}">{html.escape(county.title)}</a><ul>{deps}</ul></li>')
    body = ("<h1>yusuan 预算报告</h1><p>每个县区与部门一页：“三公”经费趋势、同比变化最大的支出、预算执行（载入决算后）"
            f"与校验发现。金额单位：万元。</p><ul>{''.join(items) or '<li>（仓库中尚无已载入的文件）</li>'}</ul>"
            f"<p class='note'>表名对照：{html.escape('，'.join(f'{k} = {v}' for k, v in LABELS.items()))}</p>")
    index = out_dir / "index.html"
    index.write_text(_page("yusuan 预算报告", body, depth=0), encoding="utf-8")
    pages.insert(0, index)
    return Report(out_dir, pages, len(all_scopes), sum(len(c.children) for c in all_scopes))
