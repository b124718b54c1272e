"""Subject codes (科目编码): levels, parents, and the national class names.

Function classification (功能分类) codes are 3 digits for a 类, 5 for a 款, 7 for a 项; economic
classification (经济分类) codes are 3 and 5.  The 收支总表 prints expense lines by class name only
(``一、一般公共服务支出``), so the class names map back to their codes here.
"""

from __future__ import annotations

import re

# 2023 national government revenue and expenditure classification, function classes.  Older names
# (before the 2019/2020 renames) map to the same codes so that old filings still join.
FUNCTION_CLASSES: dict[str, str] = {
    "一般公共服务支出": "201",
    "外交支出": "202",
    "国防支出": "203",
    "公共安全支出": "204",
    "教育支出": "205",
    "科学技术支出": "206",
    "文化旅游体育与传媒支出": "207",
    "文化体育与传媒支出": "207",
    "社会保障和就业支出": "208",
    "社会保险基金支出": "209",
    "卫生健康支出": "210",
    "医疗卫生与计划生育支出": "210",
    "节能环保支出": "211",
    "城乡社区支出": "212",
    "农林水支出": "213",
    "交通运输支出": "214",
    "资源勘探工业信息等支出": "215",
    "资源勘探信息等支出": "215",
    "商业服务业等支出": "216",
    "金融支出": "217",
    "援助其他地区支出": "219",
    "自然资源海洋气象等支出": "220",
    "国土海洋气象等支出": "220",
    "住房保障支出": "221",
    "粮油物资储备支出": "222",
    "国有资本经营预算支出": "223",
    "灾害防治及应急管理支出": "224",
    "预备费": "227",
    "其他支出": "229",
    "转移性支出": "230",
    "债务还本支出": "231",
    "债务付息支出": "232",
    "债务发行费用支出": "233",
    "抗疫特别国债安排的支出": "234",
}

ECONOMIC_CLASSES: dict[str, str] = {
    "工资福利支出": "301",
    "商品和服务支出": "302",
    "对个人和家庭的补助": "303",
    "债务利息及费用支出": "307",
    "资本性支出（基本建设）": "309",
    "资本性支出": "310",
    "对企业补助（基本建设）": "311",
    "对企业补助": "312",
    "对社会保障基金补助": "313",
    "其他支出": "399",
}

# 政府预算支出经济分类科目, its classes (类), as 西安's 收支总表 prints them by name beside the function classes; the
# 2026 template names 503/504 机关资本性支出 / 机关资本性支出（基本建设）, the 2019 one （一） / （二）.
GOV_ECONOMIC_CLASSES: dict[str, str] = {
    "机关工资福利支出": "501",
    "机关商品和服务支出": "502",
    "机关资本性支出（一）": "503",
    "机关资本性支出": "503",
    "机关资本性支出（二）": "504",
    "机关资本性支出（基本建设）": "504",
    "对事业单位经常性补助": "505",
    "对事业单位资本性补助": "506",
    "对企业补助": "507",
    "对企业资本性支出": "508",
    "对个人和家庭的补助": "509",
    "对社会保障基金补助": "510",
    "债务利息及费用支出": "511",
    "债务还本支出": "512",
    "转移性支出": "513",
    "预备费及预留": "514",
    "其他支出": "599",
}


def economic_class_code(label: str, government: bool = False) -> str | None:
    """The 类 code of a 收支总表 line by economic class, from its printed name (ordinal, spaces and the width of
    parentheses ignored; 对个人和家庭补助 = 对个人和家庭的补助)."""
    name = "".join(strip_ordinal(label).split()).replace("(", "（").replace(")", "）")
    classes = GOV_ECONOMIC_CLASSES if government else ECONOMIC_CLASSES
    return classes.get(name) or classes.get(name.replace("个人和家庭补助", "个人和家庭的补助"))

CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")
_ORDINAL = re.compile(r"^[（(]?[一二三四五六七八九十百零〇]+[)）、.．]\s*|^\d+[、.．]\s*|^[（(]\d+[)）]\s*")


def level(code: str) -> int:
    """1 for a 类 (3 digits), 2 for a 款 (5), 3 for a 项 (7)."""
    return {3: 1, 5: 2, 7: 3}[len(code)]


def parent(code: str) -> str | None:
    """The code one level up, or None for a 类."""
    return code[:-2] if len(code) > 3 else None


def strip_ordinal(label: str) -> str:
    """``一、一般公共服务支出`` → ``一般公共服务支出``; ``（二）…`` and ``3.…`` too."""
    return _ORDINAL.sub("", label.strip())


def function_class_code(label: str) -> str | None:
    """The 类 code of a 收支总表 expense line, from its printed name (ordinal and spaces ignored)."""
    name = "".join(strip_ordinal(label).split())
    # 西安 收支总表 prints the class without its last word (8、社会保障和就业, 23、灾害防治及应急管理)
    return FUNCTION_CLASSES.get(name) or (FUNCTION_CLASSES.get(name + "支出") if not name.endswith("支出") else None)
