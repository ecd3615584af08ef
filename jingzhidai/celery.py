import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingzhidai.settings.local")

app = Celery("jingzhidai")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["jingzhidai"])
app.autodiscover_tasks(["regulators.reports"])  # regulators/reports/tasks.py
