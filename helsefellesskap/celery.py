"""The Celery app. Without a broker configured, tasks run in-process (see settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helsefellesskap.settings")

app = Celery("helsefellesskap")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
