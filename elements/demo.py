"""Demo world, element library part: built by running the real sync on generated published
lists (elements.feedgen), so the demo shows real import batches, rejected rows and change
events. Some enterprises fail quality credit for each reason; many hold distinctions;
demo-enterprise holds several distinctions in 质量管理 and 质量品牌 with a clean credit;
demo-enterprise-2 is still on the abnormal-operation list and holds a few distinctions.

Idempotent: a file whose content already succeeded as a demo batch is not run again, and
records are keyed by content, so running the seed twice adds nothing."""

import tempfile
from datetime import date, timedelta
from pathlib import Path

from identity.choices import LegalForm
from identity.demo import DEMO_ENTERPRISE, DEMO_ENTERPRISE_2, demo_enterprise_code
from identity.models import Enterprise

from .choices import BatchSource, BatchStatus
from .feedgen import write_feed
from .models import ImportBatch
from .sync.runner import batch_create, run_batch

CODE = "统一社会信用代码"
# Fixed dates keep the demo files identical from one run to the next; the "expiring soon"
# certificate is the one exception (its expiry follows today, so the warning always shows).
ANCHOR = date(2026, 6, 1)


def _d(day: date) -> str:
    return day.isoformat()


def _run(feed, path, stdout):
    batch = batch_create(feed=feed, path=str(path), source=BatchSource.DEMO, file_name=path.name)
    if ImportBatch.objects.filter(source=BatchSource.DEMO, feed=feed, sha256=batch.sha256,
                                  status=BatchStatus.SUCCEEDED).exclude(pk=batch.pk).exists():
        batch.delete()
        return None
    run_batch(batch, str(path))
    if stdout:
        stdout.write(f"elements: {batch.summary()}")
    return batch


def _failing_rows(pool):
    """Four enterprises failing credit for each reason, recent enough to count."""
    abnormal, serious, penalty, spotcheck = pool[0:4], pool[4:8], pool[8:12], pool[12:16]
    rows = {
        "abnormal": [{CODE: e.uscc, "企业名称": e.name, "列入日期": _d(ANCHOR - timedelta(days=40 * (i + 1))),
                      "列入原因": "通过登记的住所或者经营场所无法联系", "列入决定机关": e.registration_authority}
                     for i, e in enumerate(abnormal)],
        "serious": [{CODE: e.uscc, "企业名称": e.name, "列入日期": _d(ANCHOR - timedelta(days=400 + 30 * i)),
                     "列入原因": "被列入经营异常名录届满3年仍未履行相关义务", "列入决定机关": "北京市市场监督管理局"}
                    for i, e in enumerate(serious)],
        "penalty": [{CODE: e.uscc, "企业名称": e.name, "决定书文号": f"京市监罚〔{ANCHOR.year}〕{100 + i}号",
                     "违法行为类型": "销售不合格产品", "处罚内容": "没收违法所得，罚款2万元",
                     "决定机关": e.registration_authority, "处罚决定日期": _d(ANCHOR - timedelta(days=90 * (i + 1)))}
                    for i, e in enumerate(penalty)],
        "spotcheck": [{CODE: e.uscc, "受检单位": e.name, "抽查级别": ["国家", "市", "区", "市级"][i],
                       "产品名称": "电线电缆", "规格型号": f"BV-{i + 1}.5",
                       "生产日期/批号": f"{ANCHOR - timedelta(days=120 * (i + 1) + 60):%Y%m%d}",
                       "抽查日期": _d(ANCHOR - timedelta(days=120 * (i + 1))), "抽查结果": "不合格",
                       "不合格项目": "导体电阻", "组织机关": "北京市市场监督管理局"} for i, e in enumerate(spotcheck)],
    }
    # Shown on the profile as information, deciding nothing (notice §三.1): another department's
    # penalty and another province's failed check.
    other_penalty, other_check = pool[16], pool[17]
    rows["penalty"].append({CODE: other_penalty.uscc, "企业名称": other_penalty.name, "决定书文号": "京环罚〔2026〕31号",
                            "违法行为类型": "未按规定申报排污", "处罚内容": "罚款1万元", "决定机关": "北京市生态环境局",
                            "处罚决定日期": _d(ANCHOR - timedelta(days=100))})
    rows["spotcheck"].append({CODE: other_check.uscc, "受检单位": other_check.name, "抽查级别": "省级", "产品名称": "儿童玩具",
                              "规格型号": "TY-2", "生产日期/批号": "批号TY2503", "抽查日期": _d(ANCHOR - timedelta(days=200)),
                              "抽查结果": "不合格", "不合格项目": "标志和说明", "组织机关": "河北省市场监督管理局"})
    return rows


def _demo_honors(code, name, today):
    return [
        {CODE: code, "企业名称": name, "要素名称": "中国质量奖提名奖", "级别": "国家", "授予机关": "中国质量奖评选表彰委员会",
         "证书编号": "ZGZLJ-TM-2021-018", "授予日期": "2021-09-16"},
        {CODE: code, "企业名称": name, "要素名称": "北京市政府质量管理奖", "级别": "市", "授予机关": "北京市人民政府",
         "证书编号": "BJZLJ-2023-006", "授予日期": "2023-12-20"},
        {CODE: code, "企业名称": name, "要素名称": "入选北京市质量人才典型案例", "级别": "市",
         "授予机关": "北京市市场监督管理局", "授予日期": "2024-05-10"},
        {CODE: code, "企业名称": name, "要素名称": "中华老字号", "级别": "国家", "授予机关": "商务部",
         "证书编号": "ZHLZH-2011-0321", "授予日期": "2011-03-15"},
        {CODE: code, "企业名称": name, "要素名称": "北京市诚信品牌企业", "级别": "市", "授予机关": "北京市市场监督管理局",
         "证书编号": "BJCXPP-2023-112", "授予日期": "2023-03-01", "有效期至": _d(today + timedelta(days=45))},
        {CODE: code, "企业名称": name, "要素名称": "质量管理体系认证（ISO 9001）", "授予机关": "中国质量认证中心",
         "证书编号": "00124Q31415R2M", "授予日期": "2024-08-01"},
        {CODE: code, "企业名称": name, "要素名称": "中国专利奖优秀奖", "级别": "国家", "授予机关": "国家知识产权局",
         "证书编号": "ZL-2022-YX-0456", "授予日期": "2022-07-28"},
    ]


def seed(stdout=None) -> dict:
    from .selectors import today as today_local

    today = today_local()
    demo_1, demo_2 = (demo_enterprise_code(s) for s in (DEMO_ENTERPRISE, DEMO_ENTERPRISE_2))
    batches = []
    with tempfile.TemporaryDirectory(prefix="jzd-demo-") as tmp:
        tmp = Path(tmp)

        def sync(feed, **options):
            path = tmp / f"{feed}-demo.csv"
            write_feed(feed, path, encoding="gb18030" if feed == "penalty" else "utf-8-sig", **options)
            if batch := _run(feed, path, stdout):
                batches.append(batch.pk)

        # The registry first (it adds enterprises), then the lists about its enterprises.
        sync("registration", n_rows=150, seed=11, malformed_share=0.03, duplicate_share=0.02)
        pool = list(Enterprise.objects.exclude(uscc__in=[demo_1, demo_2]).filter(
            legal_form=LegalForm.LEGAL_PERSON).order_by("uscc").only("uscc", "name", "registration_authority"))
        if len(pool) < 40:
            return {"batches": batches}
        codes = [e.uscc for e in pool[16:]]
        failing = _failing_rows(pool)
        name_2 = DEMO_ENTERPRISE_2["name"]
        failing["abnormal"].append({CODE: demo_2, "企业名称": name_2, "列入日期": "2026-03-18",
                                    "列入原因": "未按照《企业信息公示暂行条例》第八条规定的期限公示年度报告",
                                    "列入决定机关": "北京市朝阳区市场监督管理局"})
        honors = _demo_honors(demo_1, DEMO_ENTERPRISE["name"], today) + [
            {CODE: demo_2, "企业名称": name_2, "要素名称": "企业标准“领跑者”", "级别": "国家",
             "授予机关": "企业标准“领跑者”工作机构", "证书编号": "LPZ-2026-0871", "授予日期": "2026-02-01"},
            {CODE: demo_2, "企业名称": name_2, "要素名称": "测量管理体系认证（ISO 10012）", "授予机关": "中启计量体系认证中心",
             "证书编号": "CMS-2025-1187", "授予日期": "2025-04-01"},
        ]
        sync("abnormal", n_rows=30, seed=12, codes=codes, rows=failing["abnormal"])
        sync("serious", n_rows=6, seed=13, codes=codes, rows=failing["serious"])
        sync("penalty", n_rows=30, seed=14, codes=codes, rows=failing["penalty"])
        sync("spotcheck", n_rows=60, seed=15, codes=codes, rows=failing["spotcheck"], malformed_share=0.05)
        sync("honor", n_rows=160, seed=16, codes=[e.uscc for e in pool], rows=honors, malformed_share=0.03)
    return {"batches": batches}
