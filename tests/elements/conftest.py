import csv
import json
from pathlib import Path

import pytest

from elements.models import ElementType

HEADERS = {
    "registration": ["统一社会信用代码", "企业名称", "企业类型", "法定代表人", "注册资本(万元)", "成立日期", "登记机关",
                     "住所", "登记状态", "所属行业"],
    "abnormal": ["统一社会信用代码", "企业名称", "列入日期", "列入原因", "列入决定机关", "移出日期", "移出原因",
                 "移出决定机关"],
    "serious": ["统一社会信用代码", "企业名称", "列入日期", "列入原因", "列入决定机关", "移出日期", "移出原因",
                "移出决定机关"],
    "penalty": ["统一社会信用代码", "企业名称", "决定书文号", "违法行为类型", "处罚内容", "决定机关", "处罚决定日期"],
    "spotcheck": ["统一社会信用代码", "受检单位", "抽查级别", "产品名称", "规格型号", "生产日期/批号", "抽查日期",
                  "抽查结果", "不合格项目", "组织机关"],
    "honor": ["统一社会信用代码", "企业名称", "要素名称", "级别", "授予机关", "证书编号", "授予日期", "有效期至"],
}


def write_csv(path: Path, feed: str, rows: list[dict], *, encoding="utf-8-sig", headers=None, serial=True) -> Path:
    headers = headers or HEADERS[feed]
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow((["序号"] if serial else []) + headers)
        for i, row in enumerate(rows, start=1):
            w.writerow(([i] if serial else []) + [row.get(h, "") for h in headers])
    return path


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def write_xlsx(path: Path, feed: str, rows: list[dict], headers=None) -> Path:
    from openpyxl import Workbook

    headers = headers or HEADERS[feed]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["序号", *headers])
    for i, row in enumerate(rows, start=1):
        ws.append([i, *[row.get(h, None) for h in headers]])
    wb.save(path)
    return path


@pytest.fixture
def etype(db):
    return lambda code: ElementType.objects.get(code=code)
