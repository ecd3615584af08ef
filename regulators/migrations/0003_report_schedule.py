"""The reports' periodic job (django-celery-beat, Asia/Shanghai): daily at 03:00, the monthly
reports of the month that has closed and the quarterly ones of the quarter that has closed,
for each regulator unit and the city (each made once; a day missed is caught up the next)."""

from django.db import migrations

SCHEDULE = "regulators: monthly and quarterly reports after the period closes"


def declare(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = Crontab.objects.get_or_create(minute="0", hour="3", day_of_week="*", day_of_month="*",
                                             month_of_year="*", timezone="Asia/Shanghai")
    PeriodicTask.objects.update_or_create(name=SCHEDULE, defaults={"task": "regulators.reports_schedule",
                                                                   "crontab": daily, "enabled": True})


def undeclare(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE).delete()


class Migration(migrations.Migration):
    dependencies = [("regulators", "0002_reports"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(declare, undeclare)]
