"""The regulators app's periodic job (django-celery-beat, Asia/Shanghai): the dashboard figures
of the last closed month and quarter, nightly at 02:30 (after the loans job at 01:30)."""

from django.db import migrations

NAME = "regulators: dashboard figures of the last closed month and quarter"


def declare(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = Crontab.objects.get_or_create(minute="30", hour="2", day_of_week="*", day_of_month="*",
                                               month_of_year="*", timezone="Asia/Shanghai")
    PeriodicTask.objects.update_or_create(name=NAME, defaults={"task": "regulators.dashboard_precompute",
                                                                "crontab": nightly, "enabled": True})


def undeclare(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(declare, undeclare)]
