"""The element catalog of notice §三: five categories and every element type the notice lists."""

from django.db import migrations

CATEGORIES = [
    ("credit", "质量信用", "Quality credit", "condition"),
    ("management", "质量管理", "Quality management", "distinction"),
    ("brand", "质量品牌", "Quality brand", "distinction"),
    ("infrastructure", "质量基础", "Quality infrastructure", "distinction"),
    ("innovation", "质量创新", "Quality innovation", "distinction"),
]

N, M, D = "national", "municipal", "district"
# code, category, name, English name, levels, default validity (months), evidence, feed
TYPES = [
    ("credit.no_abnormal_operation", "credit", "未列入经营异常名录", "Not on the abnormal-operation list",
     [N, M, D], None, "国家企业信用信息公示系统查询结果", "abnormal"),
    ("credit.no_serious_violation", "credit", "未列入严重违法失信名单", "Not on the serious illegal and dishonest list",
     [N, M, D], None, "国家企业信用信息公示系统查询结果", "serious"),
    ("credit.no_penalty_3y", "credit", "近3年无市场监管领域违法案件", "No market-regulation violation case in the last 3 years",
     [N, M, D], None, "行政处罚信息查询结果", "penalty"),
    ("credit.no_failed_spotcheck_3y", "credit", "近3年产品质量监督抽查无不合格记录",
     "No failed product-quality spot check in the last 3 years", [N, M, D], None, "产品质量监督抽查公告", "spotcheck"),

    ("management.china_quality_award", "management", "中国质量奖", "China Quality Award", [N], None,
     "获奖证书或国务院/市场监管总局公布文件", "honor"),
    ("management.china_quality_award_nomination", "management", "中国质量奖提名奖", "China Quality Award nomination",
     [N], None, "获奖证书或公布文件", "honor"),
    ("management.beijing_quality_award", "management", "北京市政府质量管理奖", "Beijing Municipal Government Quality Award",
     [M], None, "获奖证书或市政府公布文件", "honor"),
    ("management.beijing_quality_award_nomination", "management", "北京市政府质量管理奖提名奖",
     "Beijing Municipal Government Quality Award nomination", [M], None, "获奖证书或公布文件", "honor"),
    ("management.chief_quality_officer", "management", "建立首席质量官制度", "Chief quality officer system in place",
     [], None, "任命文件、制度文件", "claim"),
    ("management.quality_safety_director", "management", "建立质量安全总监制度", "Quality and safety director system in place",
     [], None, "任命文件、制度文件", "claim"),
    ("management.standardization_director", "management", "建立标准化总监制度", "Standardization director system in place",
     [], None, "任命文件、制度文件", "claim"),
    ("management.quality_talent_case", "management", "入选北京市质量人才典型案例", "Beijing quality talent typical case",
     [M], None, "入选公布文件", "honor"),

    ("brand.quality_power_leader", "brand", "质量强国建设领军企业", "Leading enterprise of the Quality Power drive",
     [N], None, "公布文件", "honor"),
    ("brand.chain_leader", "brand", "质量强链链主企业", "Chain-leader enterprise of quality chain strengthening",
     [N, M], None, "公布文件", "honor"),
    ("brand.time_honored", "brand", "中华老字号", "China Time-honored Brand", [N], None, "中华老字号认定证书", "honor"),
    ("brand.standard_forerunner", "brand", "企业标准“领跑者”", "Enterprise standard forerunner", [N], 12,
     "“领跑者”名单公布文件", "honor"),
    ("brand.geographical_indication", "brand", "地理标志专用标志使用企业", "User of the geographical-indication mark",
     [N], None, "地理标志专用标志使用核准文件", "honor"),
    ("brand.beijing_integrity_brand", "brand", "北京市诚信品牌企业", "Beijing integrity brand enterprise", [M], 36,
     "公布文件", "honor"),
    ("brand.integrity_service_pledge", "brand", "北京市“诚信服务承诺单位”", "Beijing integrity service pledge unit", [M],
     12, "公布文件", "honor"),

    ("infrastructure.metrology_spec_drafter", "infrastructure", "国家计量技术规范起草单位",
     "Drafter of a national metrology technical specification", [N], None, "计量技术规范文本（起草单位页）", "honor"),
    ("infrastructure.industrial_metrology_center", "infrastructure", "北京市产业计量测试中心所在企业",
     "Host of a Beijing industrial metrology and testing centre", [M], None, "批准筹建/验收文件", "honor"),
    ("infrastructure.standardization_pilot", "infrastructure", "标准化试点示范项目企业",
     "Standardization pilot or demonstration project", [N, M], None, "项目立项或验收文件", "honor"),
    ("infrastructure.standards_secretariat", "infrastructure", "承担国际、全国标准化技术组织秘书处",
     "Secretariat of an international or national standardization technical body", [N], None, "批准文件", "honor"),
    ("infrastructure.standard_lead_drafter", "infrastructure", "国际标准、国家标准牵头起草单位",
     "Lead drafter of an international or national standard", [N], None, "标准文本（前言起草单位）", "honor"),
    ("infrastructure.intl_standards_officer", "infrastructure", "人员在国际标准组织技术机构中承担主席、副主席、召集人",
     "Staff chairing, vice-chairing or convening in an international standards body", [N], None,
     "国际标准组织任命文件", "claim"),
    ("infrastructure.iso_quality", "infrastructure", "质量管理体系认证（ISO 9001）",
     "Quality management system certification (ISO 9001)", [], 36, "认证证书", "honor"),
    ("infrastructure.iso_environment", "infrastructure", "环境管理体系认证（ISO 14001）",
     "Environmental management system certification (ISO 14001)", [], 36, "认证证书", "honor"),
    ("infrastructure.iso_ohs", "infrastructure", "职业健康安全管理体系认证（ISO 45001）",
     "Occupational health and safety management system certification (ISO 45001)", [], 36, "认证证书", "honor"),
    ("infrastructure.iso_measurement", "infrastructure", "测量管理体系认证（ISO 10012）",
     "Measurement management system certification (ISO 10012)", [], 36, "认证证书", "honor"),
    ("infrastructure.hi_tech_certification", "infrastructure", "高精尖技术认证", "High-precision-cutting-edge technology certification",
     [M], 36, "认证证书", "honor"),
    ("infrastructure.national_testing_center", "infrastructure", "新兴产业、未来产业领域国家产品质量检验检测中心建设单位",
     "Builder of a national product-quality testing centre in an emerging or future industry", [N], None,
     "批准筹建文件", "honor"),

    ("innovation.ip_pilot", "innovation", "北京市知识产权试点单位", "Beijing intellectual-property pilot", [M], 36,
     "公布文件", "honor"),
    ("innovation.patent_award_gold", "innovation", "中国专利奖金奖", "China Patent Award, gold", [N], None, "获奖证书", "honor"),
    ("innovation.patent_award_silver", "innovation", "中国专利奖银奖", "China Patent Award, silver", [N], None, "获奖证书", "honor"),
    ("innovation.patent_award_excellence", "innovation", "中国专利奖优秀奖", "China Patent Award, excellence", [N], None,
     "获奖证书", "honor"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("elements", "ElementCategory")
    ElementType = apps.get_model("elements", "ElementType")
    for order, (code, name, name_en, nature) in enumerate(CATEGORIES):
        Category.objects.update_or_create(code=code, defaults=dict(name=name, name_en=name_en, nature=nature, order=order))
    for order, (code, cat, name, name_en, levels, validity, evidence, feed) in enumerate(TYPES):
        ElementType.objects.update_or_create(code=code, defaults=dict(
            category_id=cat, name=name, name_en=name_en, nature="condition" if cat == "credit" else "distinction",
            levels=levels, default_validity_months=validity, evidence=evidence, feed=feed, order=order))


class Migration(migrations.Migration):
    dependencies = [("elements", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
