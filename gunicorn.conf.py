"""gunicorn settings read from the working directory: `gunicorn wsgi:app` picks this file up.

Logs: the app writes one JSON line per request itself (marketplace/logs.py), with the request id,
the user and the private-link tokens masked, so gunicorn's own access log stays off (no
`--access-logfile`: it would print every URL with its query, tokens included). gunicorn's
error log (workers booting, timeouts) comes out as JSON lines on stderr too, beside the app's.
"""

from gunicorn.glogging import Logger


class AppWritesTheAccessLog(Logger):
    """gunicorn's logger without its access line.

    With logconfig_dict set, gunicorn builds the access line's fields (every header, the
    times) on each request and hands them to the access logger even when that logger prints
    nothing; the app writes the request's line itself, so gunicorn skips it altogether.
    """

    access_log_enabled = False

    def access(self, resp, req, environ, request_time) -> None:
        """Nothing: marketplace/logs.py writes the access line."""


logger_class = AppWritesTheAccessLog
accesslog = None

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    # The app puts its own JSON handler on the root logger when a worker loads it.
    "root": {"level": "INFO", "handlers": []},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["json"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
    },
    "handlers": {
        "json": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        },
    },
    "formatters": {"json": {"()": "marketplace.log_lines.JsonFormatter"}},
}
