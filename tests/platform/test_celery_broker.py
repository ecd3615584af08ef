"""Celery against the real broker: CI sets CELERY_BROKER_URL to Redis; on a developer machine
without it the test says why it did not run."""

import os

import pytest
from celery.contrib.testing.worker import start_worker

from jingzhidai.celery import app
from jingzhidai.tasks import ping

BROKER = os.environ.get("CELERY_BROKER_URL", "")


@pytest.mark.broker
@pytest.mark.skipif(not BROKER.startswith("redis://"), reason="CELERY_BROKER_URL is not a Redis URL (CI sets it)")
def test_a_task_round_trips_through_redis_and_a_worker():
    app.conf.update(broker_url=BROKER, result_backend=BROKER, task_always_eager=False)
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            assert ping.delay().get(timeout=20) == "pong"
    finally:
        app.conf.update(task_always_eager=True, result_backend=None)


def test_tasks_run_inline_without_a_broker(settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER
    assert ping.delay().get() == "pong"
