"""The portal's WSGI application with one hook for the fault tests, served by their gunicorn
processes only: a request carrying `X-Fault-Hold` is handled in full (its save committed) and
then left without an answer, with a file saying which web holds it. The test can then kill that
web between the save and the reply, the one moment a client cannot tell what happened."""

import os
import time
from pathlib import Path

from helsefellesskap.wsgi import application as portal


def application(environ, start_response):
    if "HTTP_X_FAULT_HOLD" not in environ:
        return portal(environ, start_response)
    response = portal(environ, lambda status, headers, exc_info=None: None)
    try:
        b"".join(response)  # the whole view has run; its transaction is committed
    finally:
        response.close()
    Path(os.environ["FAULT_HOLD_FILE"]).write_text(os.environ["FAULT_WEB_NAME"])
    time.sleep(3600)  # never answers; the test kills this process
    raise RuntimeError("held request was not ended by the test")
