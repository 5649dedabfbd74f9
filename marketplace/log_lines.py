"""How a log record becomes a line: one JSON object (production) or readable text
(development), on stderr, with this request's secrets masked (see logs.py for the rest)."""

from __future__ import annotations

import json
import logging
import math
import sys
import traceback
from datetime import UTC, datetime

from flask import g, has_request_context

ACCESS_LOGGER = "marketplace.access"
MASK = "[masked]"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# Built once: json.dumps with options makes a new encoder on every call.
_to_json = json.JSONEncoder(ensure_ascii=False, default=str).encode
_json_string = json.encoder.encode_basestring  # a str as a JSON string (C), as ensure_ascii=False


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message and context."""

    FIELDS = ("request_id", "method", "path", "query", "status", "duration_ms", "user_id")

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single line of JSON (newlines in messages are escaped).

        Written out piece by piece (one per request: the access line), the same text as
        json.dumps(entry, ensure_ascii=False) of the fields in this order.
        """
        message = record.getMessage()
        if record.name != ACCESS_LOGGER:  # the access line is made of masked values already
            message = redact(message)
        parts = [
            '{"time": "',
            _utc_time(record.created),
            '", "level": ',
            _json_string(record.levelname),
            ', "logger": ',
            _json_string(record.name),
            ', "message": ',
            _json_string(message),
        ]
        for field in self.FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                parts.append(f', "{field}": {_json_value(value)}')
        if record.exc_info:
            exception = record.exc_info[0].__name__ if record.exc_info[0] else None
            trace = redact("".join(traceback.format_exception(*record.exc_info)))
            parts.append(f', "exception": {_json_value(exception)}')
            parts.append(f', "traceback": {_json_value(trace)}')
        elif record.stack_info:
            parts.append(f', "stack": {_json_value(record.stack_info)}')
        parts.append("}")
        return "".join(parts)


def _json_value(value) -> str:
    """A value as JSON: strings, whole numbers and finite floats directly, the rest encoded."""
    kind = type(value)
    if kind is str:
        return _json_string(value)
    if kind is int or (kind is float and math.isfinite(value)):
        return repr(value)
    return _to_json(value)


_last_second: tuple[int, str] = (-1, "")


def _utc_time(created: float) -> str:
    """`2026-12-02T01:02:03.456Z`; the part up to the second is made once per second (one
    tuple, swapped whole, so a thread never reads one second's date with another's time)."""
    global _last_second
    second = int(created)
    cached = _last_second
    if cached[0] != second:
        cached = _last_second = (second, datetime.fromtimestamp(second, UTC).isoformat()[:19])
    return f"{cached[1]}.{int((created - second) * 1000):03d}Z"


class TextFormatter(logging.Formatter):
    """Development's readable lines, with the request id (or `-` outside a request)."""

    def __init__(self):
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        """The line, secrets masked."""
        if getattr(record, "request_id", None) is None:
            record.request_id = "-"
        return redact(super().format(record))


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (a test's capture, gunicorn's redirect)."""

    def __init__(self):
        logging.Handler.__init__(self)

    @property
    def stream(self):
        """The current sys.stderr."""
        return sys.stderr

    def emit(self, record: logging.LogRecord) -> None:
        """One write of the line and a flush (emit already runs under the handler's lock;
        StreamHandler's own flush would take it again)."""
        try:
            stream = sys.stderr
            stream.write(self.format(record) + self.terminator)
            stream.flush()
        except RecursionError:
            raise
        except Exception:  # logging must never break the request; stdlib reports it
            self.handleError(record)


def redact(text: str) -> str:
    """Text with this request's secrets masked (a message that repeats a path or a URL)."""
    if not text or not has_request_context():
        return text
    for secret in g.get("log_secrets", ()):
        text = text.replace(secret, MASK)
    return text
