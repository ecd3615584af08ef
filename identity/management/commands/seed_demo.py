"""Build (or refresh) the demo world. Idempotent: run it as often as you like.

Each app that contributes to the demo world has a `demo.seed(stdout)` function; they run in
dependency order (the order of INSTALLED_APPS), so lower apps never import upper ones."""

import importlib

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_LOGINS = [
    ("demo-enterprise", "企业用户 Enterprise user"),
    ("demo-enterprise-2", "企业用户（另一区）Enterprise user, another district"),
    ("demo-officer", "客户经理 Bank officer"),
    ("demo-approver", "审批人 Bank approver (same bank)"),
    ("demo-officer-2", "客户经理（另一银行）Officer of another bank"),
    ("demo-bank-admin", "银行管理员 Bank administrator"),
    ("demo-bank-admin-2", "银行管理员（另一银行）Administrator of another bank"),
    ("demo-district", "区局 District regulator (district of demo-enterprise)"),
    ("demo-district-2", "区局 District regulator (district of demo-enterprise-2)"),
    ("demo-city", "市局 Municipal regulator"),
    ("demo-admin", "平台管理员 Platform admin"),
]


class Command(BaseCommand):
    help = "Build the demo world (idempotent)."

    def handle(self, *args, **options):
        for config in apps.get_app_configs():
            if not config.path.startswith(str(settings.BASE_DIR)):
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as e:
                if e.name != f"{config.name}.demo":
                    raise
                continue
            with transaction.atomic():
                module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo world ready. Logins (password: DEMO_PASSWORD, "
                                             f"default in README; now '{settings.DEMO_PASSWORD}'):"))
        for username, label in DEMO_LOGINS:
            self.stdout.write(f"  {username:<20} {label}")
