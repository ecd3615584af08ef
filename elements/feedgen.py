"""Synthetic published-list files (DOMAIN.md §5) of any size, for the demo world, tests and the
Beijing-scale benchmark. Streaming writers: a 2,000,000-row file never sits in memory.

Rows look like the real lists: valid codes across every district (and the ETDZ), Chinese names,
the Chinese headers with a leading 序号 column; a chosen share of malformed rows (bad check
character, impossible date, unknown level…) and of exact duplicate rows."""

import csv
import json
import random
from datetime import date, timedelta
from pathlib import Path

from identity import uscc

HEADERS = {
    "registration": ["统一社会信用代码", "企业名称", "企业类型", "法定代表人", "注册资本(万元)", "成立日期", "登记机关", "住所",
                     "登记状态", "所属行业"],
    "abnormal": ["统一社会信用代码", "企业名称", "列入日期", "列入原因", "列入决定机关", "移出日期", "移出原因", "移出决定机关"],
    "serious": ["统一社会信用代码", "企业名称", "列入日期", "列入原因", "列入决定机关", "移出日期", "移出原因", "移出决定机关"],
    "penalty": ["统一社会信用代码", "企业名称", "决定书文号", "违法行为类型", "处罚内容", "决定机关", "处罚决定日期"],
    "spotcheck": ["统一社会信用代码", "受检单位", "抽查级别", "产品名称", "规格型号", "生产日期/批号", "抽查日期", "抽查结果",
                  "不合格项目", "组织机关"],
    "honor": ["统一社会信用代码", "企业名称", "要素名称", "级别", "授予机关", "证书编号", "授予日期", "有效期至"],
}
FEEDS = tuple(HEADERS)

DISTRICTS = [
    ("110101", "东城区"), ("110102", "西城区"), ("110105", "朝阳区"), ("110106", "丰台区"), ("110107", "石景山区"),
    ("110108", "海淀区"), ("110109", "门头沟区"), ("110111", "房山区"), ("110112", "通州区"), ("110113", "顺义区"),
    ("110114", "昌平区"), ("110115", "大兴区"), ("110116", "怀柔区"), ("110117", "平谷区"), ("110118", "密云区"),
    ("110119", "延庆区"),
]
_TRADE = "华京燕兴盛泰恒嘉瑞博中信安达科联宏远通宇鑫源新丰德顺金银星海辰光明正和天伟航康健"
_SECTORS = ["精密机械", "电子科技", "生物医药", "食品", "新材料", "检测技术", "智能装备", "软件", "环保科技", "汽车零部件",
            "仪器仪表", "服装", "建材", "印刷", "化工", "光电"]
_INDUSTRY = ["通用设备制造业", "计算机、通信和其他电子设备制造业", "医药制造业", "食品制造业", "专用设备制造业",
             "软件和信息技术服务业", "仪器仪表制造业", "汽车制造业", "专业技术服务业"]
_TYPES = ["有限责任公司(自然人投资或控股)"] * 6 + ["有限责任公司(法人独资)", "股份有限公司(非上市、自然人投资或控股)",
                                                  "有限责任公司分公司(自然人投资或控股)", "个人独资企业", "普通合伙企业"]
_STATUS = ["存续"] * 12 + ["在业"] * 3 + ["存续（在营、开业、在册）", "吊销，未注销", "注销", "清算", "歇业", "迁出"]
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
_ABNORMAL_REASONS = ["未按照《企业信息公示暂行条例》第八条规定的期限公示年度报告", "通过登记的住所或者经营场所无法联系",
                     "公示企业信息隐瞒真实情况、弄虚作假"]
_SERIOUS_REASONS = ["被列入经营异常名录届满3年仍未履行相关义务", "提交虚假材料或者采取其他欺诈手段隐瞒重要事实，取得公司登记"]
_VIOLATIONS = ["销售不合格产品", "虚假宣传", "未按规定标注产品标识", "生产销售假冒伪劣产品", "无照经营"]
# Other departments' penalties reach the publicity system too (they do not decide quality credit).
_OTHER_AUTHORITIES = ["北京市生态环境局", "国家税务总局北京市税务局", "北京市城市管理综合行政执法局", "北京市应急管理局"]
_OTHER_PROVINCES = ["河北省市场监督管理局", "天津市市场监督管理局", "山东省市场监督管理局"]
_PRODUCTS = ["电线电缆", "儿童玩具", "家用电器", "化肥", "建筑防水卷材", "食品相关产品", "电动自行车", "服装", "LED灯具"]
_HONORS = [("中国质量奖", "国家"), ("北京市政府质量管理奖", "市"), ("中华老字号", "国家"), ("企业标准“领跑者”", "国家"),
           ("承担国际、全国标准化技术组织秘书处企业", "国际"),
           ("北京市诚信品牌企业", "市"), ("质量管理体系认证（ISO 9001）", ""), ("环境管理体系认证（ISO 14001）", ""),
           ("北京市知识产权试点单位", "市"), ("中国专利奖优秀奖", "国家"), ("国际标准、国家标准牵头起草单位", "国家")]
_ALPHA = uscc.ALPHABET


def code_for(i: int, division: str | None = None) -> str:
    """The i-th synthetic code: unique for every i < 31**7, in a district chosen by i."""
    division = division or (DISTRICTS[i % len(DISTRICTS)][0] if i % 50 else "110302")
    body, n = [], i
    for _ in range(7):
        n, r = divmod(n, 31)
        body.append(_ALPHA[r])
    return uscc.make_code("9", "1", division, "M" + "".join(reversed(body)))


def district_of(code: str) -> tuple[str, str]:
    for dcode, name in DISTRICTS:
        if code[2:8] == dcode:
            return dcode, name
    return "110115", "大兴区"


def name_for(i: int) -> str:
    rng = random.Random(i)
    return f"北京{rng.choice(_TRADE)}{rng.choice(_TRADE)}{rng.choice(_SECTORS)}有限公司"


def _day(rng, start=date(2015, 1, 1), span=4000) -> date:
    return start + timedelta(days=rng.randrange(span))


def _fmt_date(d: date | None, rng) -> str:
    if d is None:
        return ""
    style = rng.randrange(3)
    if style == 0:
        return d.isoformat()
    if style == 1:
        return f"{d.year}/{d.month}/{d.day}"
    return f"{d.year}年{d.month}月{d.day}日"


def _row(feed: str, i: int, code: str, rng: random.Random) -> dict:
    name = name_for(i)
    dcode, dname = district_of(code)
    authority = "北京经济技术开发区商务金融局" if code[2:8] == "110302" else f"北京市{dname}市场监督管理局"
    if feed == "registration":
        return {"统一社会信用代码": code, "企业名称": name, "企业类型": rng.choice(_TYPES),
                "法定代表人": rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(_GIVEN),
                "注册资本(万元)": str(rng.choice([10, 50, 100, 200, 500, 1000, 3000, 10000])),
                "成立日期": _fmt_date(_day(rng, date(1995, 1, 1), 11000), rng), "登记机关": authority,
                "住所": f"北京市{dname}{rng.choice(['科技园路', '工业园区', '创新大街', '东路', '西路'])}{rng.randint(1, 999)}号",
                "登记状态": rng.choice(_STATUS), "所属行业": rng.choice(_INDUSTRY)}
    if feed in ("abnormal", "serious"):
        listed = _day(rng, date(2019, 1, 1), 2500)
        removed = listed + timedelta(days=rng.randint(30, 700)) if rng.random() < 0.4 else None
        reasons = _ABNORMAL_REASONS if feed == "abnormal" else _SERIOUS_REASONS
        return {"统一社会信用代码": code, "企业名称": name, "列入日期": _fmt_date(listed, rng), "列入原因": rng.choice(reasons),
                "列入决定机关": authority, "移出日期": _fmt_date(removed, rng),
                "移出原因": "已补报年度报告并公示" if removed else "", "移出决定机关": authority if removed else ""}
    if feed == "penalty":
        decided = _day(rng, date(2019, 1, 1), 2500)
        other = rng.random() < 0.2
        return {"统一社会信用代码": code, "企业名称": name,
                "决定书文号": f"京{dname[:2]}{'环' if other else '市监'}罚〔{decided.year}〕{rng.randint(1, 9999)}号",
                "违法行为类型": rng.choice(_VIOLATIONS), "处罚内容": f"罚款{rng.randint(1, 50) * 1000}元",
                "决定机关": rng.choice(_OTHER_AUTHORITIES) if other else authority,
                "处罚决定日期": _fmt_date(decided, rng)}
    if feed == "spotcheck":
        checked = _day(rng, date(2019, 1, 1), 2500)
        failed = rng.random() < 0.15
        level = rng.choice(["国家", "市", "区", "国家级", "市级", "区级", "省级"])
        organiser = ({"国": "国家市场监督管理总局", "市": "北京市市场监督管理局", "区": authority}[level[0]]
                     if level != "省级" else rng.choice(_OTHER_PROVINCES))
        # 生产日期/批号: a production date before the check, or a batch number only.
        produced = checked - timedelta(days=rng.randint(10, 400))
        batch = rng.choice([produced.strftime("%Y%m%d"), produced.isoformat(), f"批号{rng.choice('ABCK')}{produced:%y%m}"])
        return {"统一社会信用代码": code, "受检单位": name, "抽查级别": level,
                "产品名称": rng.choice(_PRODUCTS), "规格型号": f"{rng.choice('ABCDK')}-{rng.randint(10, 999)}",
                "生产日期/批号": batch,
                "抽查日期": _fmt_date(checked, rng), "抽查结果": "不合格" if failed else "合格",
                "不合格项目": rng.choice(["标志和说明", "绝缘电阻", "甲醛含量", "导体电阻"]) if failed else "",
                "组织机关": organiser}
    if feed == "honor":
        item, level = rng.choice(_HONORS)
        granted = _day(rng, date(2018, 1, 1), 2500)
        expires = granted + timedelta(days=3 * 365) if "认证" in item or "试点" in item or "诚信" in item else None
        return {"统一社会信用代码": code, "企业名称": name, "要素名称": item, "级别": level,
                "授予机关": "国家认证认可监督管理委员会认可机构" if "认证" in item else "北京市市场监督管理局",
                "证书编号": f"{rng.choice('ACNQ')}{granted.year}{rng.randint(100000, 999999)}",
                "授予日期": _fmt_date(granted, rng), "有效期至": _fmt_date(expires, rng)}
    raise ValueError(f"unknown feed {feed!r}")


def _malform(feed: str, row: dict, rng: random.Random) -> dict:
    row = dict(row)
    kind = rng.randrange(4)
    code = row["统一社会信用代码"]
    if kind == 0:  # mistyped check character
        row["统一社会信用代码"] = code[:17] + ("0" if code[17] != "0" else "1")
    elif kind == 1:  # forbidden letters / truncated
        row["统一社会信用代码"] = code[:10] + "O" + code[11:16]
    elif kind == 2:  # impossible date
        for key in ("成立日期", "列入日期", "处罚决定日期", "抽查日期", "授予日期"):
            if key in row:
                row[key] = "2024-13-45"
    else:  # empty required value or unknown enumeration
        if feed == "spotcheck":
            row["抽查级别"] = "乡镇级"
        elif feed == "honor":
            row["要素名称"] = "不存在的荣誉"
        else:
            row["统一社会信用代码"] = ""
    return row


def iter_rows(feed: str, *, n_rows: int, seed: int = 0, malformed_share: float = 0.0,
              duplicate_share: float = 0.0, codes: list[str] | None = None, start: int = 0):
    rng = random.Random(seed)
    previous = None
    for i in range(start, start + n_rows):
        if previous is not None and duplicate_share and rng.random() < duplicate_share:
            yield dict(previous)
            continue
        code = codes[rng.randrange(len(codes))] if codes else code_for(i)
        row = _row(feed, i, code, rng)
        if malformed_share and rng.random() < malformed_share:
            row = _malform(feed, row, rng)
        previous = row
        yield row


def write_feed(feed: str, path, *, n_rows: int, fmt: str = "csv", encoding: str = "utf-8-sig", seed: int = 0,
               malformed_share: float = 0.0, duplicate_share: float = 0.0, codes: list[str] | None = None,
               rows: list[dict] | None = None) -> int:
    """Write a published list for `feed`. Returns the number of data rows written."""
    if feed not in HEADERS:
        raise ValueError(f"unknown feed {feed!r}; one of {', '.join(FEEDS)}")
    header = ["序号", *HEADERS[feed]]
    generated = iter_rows(feed, n_rows=n_rows, seed=seed, malformed_share=malformed_share,
                          duplicate_share=duplicate_share, codes=codes)
    all_rows = _chain(generated, rows or [])
    path = Path(path)
    count = 0
    if fmt == "csv":
        with path.open("w", encoding=encoding, newline="", errors="strict") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            for count, row in enumerate(all_rows, 1):
                writer.writerow([count, *(row.get(h, "") for h in HEADERS[feed])])
    elif fmt == "jsonl":
        with path.open("w", encoding="utf-8") as fh:
            for count, row in enumerate(all_rows, 1):
                fh.write(json.dumps({"序号": count, **{h: row.get(h, "") for h in HEADERS[feed]}}, ensure_ascii=False))
                fh.write("\n")
    elif fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(feed)
        ws.append(header)
        for count, row in enumerate(all_rows, 1):
            ws.append([count, *(row.get(h, "") for h in HEADERS[feed])])
        wb.save(path)
    else:
        raise ValueError(f"unknown format {fmt!r}; csv, xlsx or jsonl")
    return count


def _chain(first, second):
    yield from first
    yield from second
