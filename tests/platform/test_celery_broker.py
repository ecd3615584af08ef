"""Celery against the real broker: CI sets CELERY_BROKER_URL to Redis; on a developer machine
without it the test says why it did not run."""

import os

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker

from jingzhidai.celery import app
from jingzhidai.tasks import ping

BROKER = os.environ.get("CELERY_BROKER_URL", "")


@pytest.mark.broker
@pytest.mark.skipif(not BROKER.startswith("redis://"), reason="CELERY_BROKER_URL is not a Redis URL (CI sets it)")
def test_a_task_round_trips_through_redis_and_a_worker():
    # The portal's app is configured from the environment…
    assert app.conf.broker_url == BROKER
    # …and a worker on that broker runs the portal's task. A separate app instance carries a
    # result backend (the portal itself needs none), so the test can read the answer.
    probe = Celery("jzd-broker-probe", broker=BROKER, backend=BROKER)
    probe.conf.task_default_queue = "jzd-broker-probe"
    probe_ping = probe.task(name="jingzhidai.ping")(ping.run)
    try:
        with start_worker(probe, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            assert probe_ping.delay().get(timeout=30) == "pong"
    finally:
        app.set_current()  # start_worker made the probe the current app; shared tasks follow it


def test_tasks_run_inline_without_a_broker(settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER
    assert app.tasks["jingzhidai.ping"].delay().get(timeout=5) == "pong"
