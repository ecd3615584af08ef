"""The applications app's periodic job (django-celery-beat, Asia/Shanghai): delete stored
evidence and answer files that no row refers to, nightly at 03:15."""

from django.db import migrations

NAME = "applications: sweep orphaned files"


def declare(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = Crontab.objects.get_or_create(minute="15", hour="3", day_of_week="*", day_of_month="*",
                                                month_of_year="*", timezone="Asia/Shanghai")
    PeriodicTask.objects.update_or_create(name=NAME, defaults={"task": "applications.orphan_files_sweep",
                                                               "crontab": schedule, "enabled": True})


def undeclare(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("applications", "0002_answer_file_access"),
                    ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(declare, undeclare)]
