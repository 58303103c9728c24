"""Structured logs: every record becomes one JSON object a line (or readable text in development).

Code logs an event as a short message with its fields as `extra`:

    logger.info("login_failed", extra={"username": username, "ip": ip})

The formatters put those fields beside the message, so a log collector can filter on them.
A `request` in `extra` (Django's own error logs pass one) is reduced to method, path and user,
so errors carry their context without dumping the request.
"""

import json
import logging
from datetime import UTC, datetime

from django.utils.functional import empty

# Attributes every LogRecord has; anything else on a record came in through `extra`.
_RECORD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", (), None)).keys() | {"message", "asctime"}
)


def request_context(request) -> dict:
    """What a log line says about the request it happened in."""
    user = getattr(request, "user", None)
    context = {
        "method": request.method,
        "path": request.path,
        "request_id": getattr(request, "request_id", None),
    }
    # Only when authentication has already been resolved: loading the user here could hit a
    # database that is the very thing failing.
    if user is not None and getattr(user, "_wrapped", user) is not empty:
        try:
            context["user_id"] = user.pk if user.is_authenticated else None
        except Exception:  # a log line must never raise
            context["user_id"] = None
    return context


def record_fields(record: logging.LogRecord) -> dict:
    """The `extra` fields of a record, with a request reduced to its context."""
    fields = {}
    for key, value in vars(record).items():
        if key in _RECORD_ATTRIBUTES or key.startswith("_"):
            continue
        if key == "request" and hasattr(value, "method"):
            fields.update(request_context(value))
        else:
            fields[key] = value
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, event and the record's fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
            **record_fields(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class PlainFormatter(logging.Formatter):
    """Readable text for development: the message followed by key=value fields."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = record_fields(record)
        if fields:
            extra = " ".join(f"{key}={value!r}" for key, value in fields.items())
            first, newline, rest = line.partition("\n")
            line = f"{first} {extra}{newline}{rest}"
        return line
