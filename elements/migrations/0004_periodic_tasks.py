"""The element library's periodic jobs, declared once (django-celery-beat, Asia/Shanghai):
inbox scan every 15 minutes, HTTPS pulls nightly, distinction expiry daily."""

from django.db import migrations

TASKS = [
    # name, task, crontab (minute, hour)
    ("elements: scan the inbox", "elements.tasks.inbox_scan", ("*/15", "*")),
    ("elements: pull feeds over HTTPS", "elements.tasks.feeds_pull", ("30", "2")),
    ("elements: expire distinctions", "elements.tasks.distinctions_expire", ("5", "0")),
]


def declare(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (minute, hour) in TASKS:
        schedule, _ = Crontab.objects.get_or_create(minute=minute, hour=hour, day_of_week="*", day_of_month="*",
                                                    month_of_year="*", timezone="Asia/Shanghai")
        PeriodicTask.objects.update_or_create(name=name, defaults={"task": task, "crontab": schedule,
                                                                   "enabled": True})


def undeclare(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[t[0] for t in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [("elements", "0003_records"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(declare, undeclare)]
