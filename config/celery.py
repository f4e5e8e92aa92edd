"""The Celery application.

With no broker configured (the embedded default) tasks run eagerly in-process;
production points CELERY_BROKER_URL at Redis and runs a worker and beat.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("xtzt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
