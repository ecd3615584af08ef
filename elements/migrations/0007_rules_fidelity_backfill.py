"""Rules fidelity (issue 11): the catalog follows the notice's wording (the former names stay as
aliases, so published lists that use them still match), international levels, the source of
each default validity; and the values the rules read are derived for the records already in the
library (penalty authority → market regulation, spot check → whose check and production date),
with the listings' content hashes recomputed for the new `restricted_until` content field."""

from django.db import migrations

N, I = "national", "international"
LOCAL = "本地默认值：通知与发布名单均未规定有效期，按本平台做法设定，名单写明有效期时以名单为准。"
ISO = ("36个月：管理体系认证证书有效期3年（ISO/IEC 17021-1 三年认证周期；《认证证书和认证标志管理办法》），"
       "名单写明有效期至时以名单为准。")
# code: (name per the notice, levels or None to keep, notes)
CATALOG = {
    "credit.no_abnormal_operation": ("无经营异常", None, ""),
    "credit.no_serious_violation": ("无严重违法失信", None, ""),
    "credit.no_penalty_3y": ("近3年无市场监管领域违法案件", None, ""),
    "credit.no_failed_spotcheck_3y": ("近3年生产的产品在国家、市、区质量监督抽查中无不合格记录", None, ""),
    "brand.time_honored": ("中华老字号商标保护企业", None, ""),
    "brand.standard_forerunner": ("企业标准“领跑者”企业", None,
                                  "12个月：企业标准“领跑者”名单每年评估发布一次；" + LOCAL),
    "brand.beijing_integrity_brand": ("北京市诚信品牌企业", None, "36个月：" + LOCAL),
    "brand.integrity_service_pledge": ("北京市“诚信服务承诺单位”", None, "12个月：" + LOCAL),
    "infrastructure.standardization_pilot": ("国家级、市级标准化试点示范项目企业", None, ""),
    "infrastructure.standards_secretariat": ("承担国际、全国标准化技术组织秘书处企业", [I, N], ""),
    "infrastructure.standard_lead_drafter": ("国际标准、国家标准牵头起草单位", [I, N], ""),
    "infrastructure.intl_standards_officer": ("人员在国际标准组织技术机构中承担主席、副主席、召集人的企业", [I], ""),
    "infrastructure.iso_quality": (None, None, ISO),
    "infrastructure.iso_environment": (None, None, ISO),
    "infrastructure.iso_ohs": (None, None, ISO),
    "infrastructure.iso_measurement": (None, None, ISO),
    "infrastructure.hi_tech_certification": ("高精尖技术认证企业", None, "36个月：" + LOCAL),
    "innovation.ip_pilot": ("北京市知识产权试点", None, "36个月：" + LOCAL),
}
# The names of migration 0002, kept as aliases (published lists still use them).
FORMER = {
    "credit.no_abnormal_operation": "未列入经营异常名录",
    "credit.no_serious_violation": "未列入严重违法失信名单",
    "credit.no_failed_spotcheck_3y": "近3年产品质量监督抽查无不合格记录",
    "brand.time_honored": "中华老字号",
    "brand.standard_forerunner": "企业标准“领跑者”",
    "infrastructure.standardization_pilot": "标准化试点示范项目企业",
    "infrastructure.standards_secretariat": "承担国际、全国标准化技术组织秘书处",
    "infrastructure.intl_standards_officer": "人员在国际标准组织技术机构中承担主席、副主席、召集人",
    "infrastructure.hi_tech_certification": "高精尖技术认证",
    "innovation.ip_pilot": "北京市知识产权试点单位",
}
LISTING_CONTENT = ["kind", "listed_on", "reason", "authority", "removed_on", "removal_reason", "removal_authority",
                   "restricted_until"]
CHUNK = 5000


def catalog(apps, schema_editor):
    ElementType = apps.get_model("elements", "ElementType")
    for code, (name, levels, notes) in CATALOG.items():
        t = ElementType.objects.filter(code=code).first()
        if t is None:
            continue
        if name:
            former = [FORMER[code]] if code in FORMER else []
            t.aliases = [*dict.fromkeys([*(t.aliases or []), *former, *([t.name] if t.name != name else [])])]
            t.name = name
        if levels is not None:
            t.levels = levels
        if notes:
            t.notes = notes
        t.save()


def records(apps, schema_editor):
    from elements import rules
    from elements.records import digest

    Penalty = apps.get_model("elements", "Penalty")
    SpotCheck = apps.get_model("elements", "SpotCheck")
    Listing = apps.get_model("elements", "Listing")

    # One UPDATE per distinct authority (a few hundred), the unnamed ones row by row.
    for authority in Penalty.objects.exclude(authority="").values_list("authority", flat=True).distinct():
        Penalty.objects.filter(authority=authority).update(market_regulation=rules.market_regulation_of(authority))
    for pk, decision_no in Penalty.objects.filter(authority="").values_list("id", "decision_no").iterator():
        Penalty.objects.filter(pk=pk).update(market_regulation=rules.market_regulation_of("", decision_no))

    for level, authority in SpotCheck.objects.values_list("level", "authority").distinct():
        SpotCheck.objects.filter(level=level, authority=authority).update(
            scope=str(rules.spotcheck_scope(level, authority)))
    changed = []
    for s in SpotCheck.objects.exclude(production_batch="").only("id", "production_batch", "checked_on").iterator(
            chunk_size=CHUNK):
        s.produced_on = rules.produced_on_of(s.production_batch, s.checked_on)
        if s.produced_on is not None:
            changed.append(s)
        if len(changed) >= CHUNK:
            SpotCheck.objects.bulk_update(changed, ["produced_on"])
            changed = []
    SpotCheck.objects.bulk_update(changed, ["produced_on"])

    changed = []
    for x in Listing.objects.only("id", *LISTING_CONTENT).iterator(chunk_size=CHUNK):
        x.content_hash = digest(*(getattr(x, f) for f in LISTING_CONTENT))
        changed.append(x)
        if len(changed) >= CHUNK:
            Listing.objects.bulk_update(changed, ["content_hash"])
            changed = []
    Listing.objects.bulk_update(changed, ["content_hash"])


class Migration(migrations.Migration):
    # The spot-check scope reads the districts (identity's reference data).
    dependencies = [("elements", "0006_rules_fidelity_fields"), ("identity", "0002_seed_reference")]
    operations = [migrations.RunPython(catalog, migrations.RunPython.noop),
                  migrations.RunPython(records, migrations.RunPython.noop)]
