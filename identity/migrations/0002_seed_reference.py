"""Reference data the notice names: Beijing's 16 districts (GB/T 2260) and the regulator units
(municipal bureau, 16 district bureaus, ETDZ, Yanshan and Airport units)."""

from django.db import migrations

DISTRICTS = [
    ("110101", "东城区", "Dongcheng"), ("110102", "西城区", "Xicheng"), ("110105", "朝阳区", "Chaoyang"),
    ("110106", "丰台区", "Fengtai"), ("110107", "石景山区", "Shijingshan"), ("110108", "海淀区", "Haidian"),
    ("110109", "门头沟区", "Mentougou"), ("110111", "房山区", "Fangshan"), ("110112", "通州区", "Tongzhou"),
    ("110113", "顺义区", "Shunyi"), ("110114", "昌平区", "Changping"), ("110115", "大兴区", "Daxing"),
    ("110116", "怀柔区", "Huairou"), ("110117", "平谷区", "Pinggu"), ("110118", "密云区", "Miyun"),
    ("110119", "延庆区", "Yanqing"),
]

SPECIAL_UNITS = [
    ("110000", "北京市市场监督管理局", "Beijing Municipal Administration for Market Regulation", "municipal", None),
    ("110302", "北京经济技术开发区商务金融局",
     "Commerce and Finance Bureau of Beijing Economic-Technological Development Area", "special", None),
    ("110111-YS", "房山区燕山市场监管分局", "Yanshan Branch of Fangshan District Market Regulation", "special", "110111"),
    ("110000-JC", "市市场监管局机场分局", "Airport Branch of the Municipal Market Regulation Bureau", "special", None),
]


def seed(apps, schema_editor):
    District = apps.get_model("identity", "District")
    RegulatorUnit = apps.get_model("identity", "RegulatorUnit")
    for code, name, name_en in DISTRICTS:
        District.objects.update_or_create(code=code, defaults={"name": name, "name_en": f"{name_en} District"})
        RegulatorUnit.objects.update_or_create(
            code=code,
            defaults={"name": f"{name}市场监督管理局", "name_en": f"{name_en} District Administration for Market Regulation",
                      "kind": "district", "district_id": code},
        )
    for code, name, name_en, kind, district in SPECIAL_UNITS:
        RegulatorUnit.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "kind": kind, "district_id": district}
        )


class Migration(migrations.Migration):
    dependencies = [("identity", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
