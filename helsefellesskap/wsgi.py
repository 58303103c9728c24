"""WSGI entry point (gunicorn helsefellesskap.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helsefellesskap.settings")
application = get_wsgi_application()
