"""Sending the outbox after a commit without keeping the person who made the change waiting.

A checkout or a shipment must not wait on the mail server (an SMTP round trip can take seconds,
and a server that is down would stall every such request). With MAIL_DELIVERY = "background"
(production and development) each process hands the new message ids of a request to one daemon
thread that sends them in its own app context; "inline" (tests), and commands, send them right
after the commit. The thread takes whatever has queued up while it was busy as one batch: one
read, one mail-server connection and one write for all of it, so a busy shop costs the database
and the mail server far less than one round of each per message.
Nothing is lost either way: a message stays in the outbox until it is sent, and the
`send-mail` command (cron) sends whatever a stopped process left behind. Nothing goes out twice
either: this thread and cron (on any server) claim the rows they send (services.deliver_pending).
"""

from __future__ import annotations

import os
import queue
import threading

from flask import Flask, current_app, has_request_context

BATCH = 100  # messages per read, mail-server connection and write
_jobs: queue.Queue[tuple[Flask, list[int]]] = queue.Queue()
_worker: dict[str, object] = {"pid": None}
_start_lock = threading.Lock()


def send_after_commit(ids: list[int]) -> None:
    """Send these outbox messages now (inline) or hand them to this process's sender thread."""
    from marketplace.mail.services import deliver_pending

    # Commands (cron, seed-demo) send inline: their process may exit before a thread would finish.
    background = current_app.config.get("MAIL_DELIVERY", "inline") == "background"
    if not (background and has_request_context()):
        for start in range(0, len(ids), BATCH):
            deliver_pending(ids=ids[start : start + BATCH], limit=BATCH)
        return
    _ensure_worker()
    _jobs.put((current_app._get_current_object(), ids))


def _ensure_worker() -> None:
    """Start the sender thread once per process (gunicorn forks workers after import)."""
    with _start_lock:
        if _worker["pid"] == os.getpid():
            return
        thread = threading.Thread(target=_run, name="mail-sender", daemon=True)
        thread.start()
        _worker["pid"] = os.getpid()


def _run() -> None:
    from marketplace.extensions import db
    from marketplace.mail import services

    while True:
        batch = [_jobs.get()]
        while True:
            try:
                batch.append(_jobs.get_nowait())
            except queue.Empty:
                break
        ids_by_app: dict[Flask, list[int]] = {}
        for app, ids in batch:
            ids_by_app.setdefault(app, []).extend(ids)
        for app, ids in ids_by_app.items():
            with app.app_context():
                try:
                    for start in range(0, len(ids), BATCH):
                        services.deliver_pending(ids=ids[start : start + BATCH], limit=BATCH)
                except Exception:  # the thread must survive; send-mail retries later
                    app.logger.exception("background mail delivery failed; send-mail will retry")
                finally:
                    db.session.remove()
        for _ in batch:
            _jobs.task_done()


def wait_until_sent() -> None:
    """Block until the sender thread has handled every message handed to it (for tests)."""
    _jobs.join()
