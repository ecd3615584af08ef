"""The audit app's periodic job (django-celery-beat, Asia/Shanghai): prune audit rows and axes
access logs older than AUDIT_RETENTION_DAYS, nightly at 03:45."""

from django.db import migrations

NAME = "audit: prune beyond retention"


def declare(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = Crontab.objects.get_or_create(minute="45", hour="3", day_of_week="*", day_of_month="*",
                                                month_of_year="*", timezone="Asia/Shanghai")
    PeriodicTask.objects.update_or_create(name=NAME, defaults={"task": "audit.prune", "crontab": schedule,
                                                               "enabled": True})


def undeclare(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(declare, undeclare)]
