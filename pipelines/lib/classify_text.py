"""The table kinds, the matching keys every comparison of printed text uses (``key``, ``squash``), and a table's
kind from its title."""

from __future__ import annotations

import re
from functools import lru_cache

from pipelines.lib.numbers import nfkc
from pipelines.lib.vocab import TableKind, codes

# The kinds a table is classified as: every TableKind but the narrative, which is text (vocab.py)
KINDS = tuple(kind for kind in codes(TableKind) if kind != TableKind.narrative)

# Traditional characters seen in titles, headers and labels (台安, plpkl, 沅陵 filings).
_T2S_PAIRS = (
    "財财撥拨決决總总預预經经費费門门國国資资營营務务車车購购運运維维護护單单萬万項项計计額额類类編编碼码稱称餘余結结轉转關关"
    "機机構构設设採采產产標标績绩數数況况體体統统會会議议訓训級级屬属繳缴補补業业報报專专戶户險险衛卫區区與与傳传農农輸输圍围"
    "員员當当臨临時时債债還还據据說说明明註注無无開开齊齐細细廳厅實实際际執执並并於于歲岁舊旧點点導导參参對对發发處处應应從从"
    "來来個个們们內内為为後后寫写調调職职黨党義义縣县鄉乡鎮镇場场醫医療疗頁页條条雙双號号廣广東东陝陕貴贵遼辽寧宁蘇苏價价值值"
    "數数量量幣币億亿合合計计撥拨款款"
)
_T2S = str.maketrans(
    # pairs: traditional, simplified
    dict(zip(_T2S_PAIRS[0::2], _T2S_PAIRS[1::2], strict=True))
)
_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")
_WS = re.compile(r"\s+")
_QUOTES = re.compile("[\"'“”‘’「」『』《》〈〉〝〞＂＇]")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


@lru_cache(maxsize=1 << 16)
def squash(text: str) -> str:
    """Collapse whitespace inside words, keep the printed characters: '项  目' → '项目'.

    Whitespace (including NBSP, full-width spaces, line breaks) is dropped next to CJK text and
    kept as one space between two ASCII words; zero-width characters are dropped.
    """
    text = _ZERO_WIDTH.sub("", text)
    pieces = _WS.split(text.strip())
    if len(pieces) == 1:
        return pieces[0]
    out = [pieces[0]]
    for piece in pieces[1:]:
        if not piece:
            continue
        if out[-1] and _ASCII_WORD.match(out[-1][-1]) and _ASCII_WORD.match(piece[0]):
            out.append(" ")
        out.append(piece)
    return "".join(out)


def simplified(text: str) -> str:
    """Traditional characters of titles, headers and labels in their simplified form (項 目 → 项 目); nothing else."""
    return text.translate(_T2S)


@lru_cache(maxsize=1 << 16)  # cell texts repeat a lot ('', 合计, 0.00, 涉密…)
def key(text: str) -> str:
    """Matching key: NFKC (full-width → ASCII), traditional → simplified, no whitespace, no quotes."""
    if text.isascii():  # amounts and codes: NFKC, the zero-width and traditional characters leave ASCII as it is
        return _QUOTES.sub("", "".join(text.split())) if ("'" in text or '"' in text) else "".join(text.split())
    text = nfkc(_ZERO_WIDTH.sub("", text)).translate(_T2S)
    return _QUOTES.sub("", _WS.sub("", text))


# ---------------------------------------------------------------------------------------------
# Titles

_TITLE_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("contents", re.compile(r"^(?:报表)?目录$")),  # 西安: 报表 | 报表名称 | 是否空表 | 公开空表理由
    ("three_public", re.compile(r"三公")),
    ("office_operation", re.compile(r"机关运行经费")),  # 江苏: 一般公共预算机关运行经费支出预算表, by economic code
    ("performance_target", re.compile(r"绩效(?:目标|指标|自评)")),
    ("performance_target", re.compile(r"项目支出绩效表")),  # 浙江: 单位名称 | 项目名称 | 金额 | 绩效目标
    ("procurement", re.compile(r"政府采购")),
    ("unknown", re.compile(r"政府购买服务|财政专户管理资金|专项资金|转移支付|培训费明细|会议费明细")),
    ("assets", re.compile(r"国有资产|固定资产|资产(?:占用|使用|配置|情况)")),
    ("org_structure", re.compile(r"机构设置|机构情况")),
    ("gov_fund_summary", re.compile(r"政府性?基金.*收支(?:总)?表")),  # 西安; a 决算's 收入支出决算表 stays below
    ("gov_fund_expenditure", re.compile(r"政府性?基金")),
    ("soe_capital_expenditure", re.compile(r"国有资本经营")),
    ("basic_expenditure", re.compile(r"基本支出")),
    ("project_expenditure", re.compile(r"项目(?:支出|预算)(?!绩效)")),
    ("project_expenditure", re.compile(r"专项业务经费支出表")),  # 西安: its projects by unit, no subject codes
    ("unknown", re.compile(r"结转资金支出表|财拨结转支出表")),  # 西安: carried-over spending by project, not modelled
    ("general_public_expenditure", re.compile(r"一般公共预算.*支出|一般公共预算.*拨款.*表")),
    ("fiscal_summary", re.compile(r"财政拨款收支|财政拨款收入支出")),
    ("summary", re.compile(r"收支|收入支出")),
    ("income", re.compile(r"收入")),
    ("expenditure", re.compile(r"支出")),
]
_TITLE_HINT = re.compile(r"表$|表\(|情况$|预算$|决算$|明细$|汇总$|目标$")


def kind_from_title(title: str) -> str | None:
    """The table kind a title names, or None when it names none we know.

    Order matters: 三公 before 一般公共预算…支出, 基本支出 before 一般公共预算, 政府性基金 and
    国有资本经营 before the generic 支出, 财政拨款收支 before 收支.  'unknown' means the title
    names a table we recognise but do not model (政府购买服务支出表, …).
    """
    k = key(title)
    if not k:
        return None
    for kind, pattern in _TITLE_RULES:
        if pattern.search(k):
            return kind
    return None
