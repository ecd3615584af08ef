"""The loans app's periodic jobs (django-celery-beat, Asia/Shanghai): the risk-alert job every
5 minutes (besides the run after each sync or manual entry), and the nightly job at 01:30
(loans for contracts without one, days past due and statuses, missing fund-use reports,
escalation of unacknowledged alerts)."""

from django.db import migrations

ALERTS = "loans: raise risk alerts from library changes"
NIGHTLY = "loans: nightly overdue, fund use and escalation"


def declare(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    Interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every5, _ = Interval.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.update_or_create(name=ALERTS, defaults={"task": "loans.risk_alerts_raise",
                                                                 "interval": every5, "enabled": True})
    nightly, _ = Crontab.objects.get_or_create(minute="30", hour="1", day_of_week="*", day_of_month="*",
                                               month_of_year="*", timezone="Asia/Shanghai")
    PeriodicTask.objects.update_or_create(name=NIGHTLY, defaults={"task": "loans.nightly", "crontab": nightly,
                                                                  "enabled": True})


def undeclare(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[ALERTS, NIGHTLY]).delete()


class Migration(migrations.Migration):
    dependencies = [("loans", "0001_initial"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(declare, undeclare)]
