"""The regulators' periodic jobs (django-celery-beat, Asia/Shanghai): the monthly recommended
list (the 1st of each month at 03:00) and the nightly sweep of orphaned case photos (03:20)."""

from django.db import migrations

NAME = "regulators: monthly recommended list"
SWEEP = "regulators: sweep orphaned case photos"


def declare(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    monthly, _ = Crontab.objects.get_or_create(minute="0", hour="3", day_of_week="*", day_of_month="1",
                                               month_of_year="*", timezone="Asia/Shanghai")
    PeriodicTask.objects.update_or_create(name=NAME, defaults={"task": "regulators.recommended_list_build",
                                                               "crontab": monthly, "enabled": True})
    nightly, _ = Crontab.objects.get_or_create(minute="20", hour="3", day_of_week="*", day_of_month="*",
                                               month_of_year="*", timezone="Asia/Shanghai")
    PeriodicTask.objects.update_or_create(name=SWEEP, defaults={"task": "regulators.case_photos_sweep",
                                                                "crontab": nightly, "enabled": True})


def undeclare(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[NAME, SWEEP]).delete()


class Migration(migrations.Migration):
    dependencies = [("regulators", "0004_cases_and_recommended_list"),
                    ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(declare, undeclare)]
