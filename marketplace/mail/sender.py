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
A message a request queues for this thread is claimed for it as it is written (the process's
claim token, `claim_for_new_mail`), so the thread needs no claiming transaction of its own;
cron takes such a message over only once that claim is older than MAIL_CLAIM_TIMEOUT.
"""

from __future__ import annotations

import os
import queue
import secrets
import threading
import time

from flask import Flask, current_app, has_request_context

BATCH = 100  # messages per read, mail-server connection and write
# (app, message ids, the claim they were written with or None, when they were handed over)
_jobs: queue.Queue[tuple[Flask, list[int], str | None, float]] = queue.Queue()
_worker: dict[str, object] = {"pid": None}
_start_lock = threading.Lock()
_claim: dict[str, object] = {"pid": None, "token": None}


def _in_background() -> bool:
    # Commands (cron, seed-demo) send inline: their process may exit before a thread would finish.
    return current_app.config.get("MAIL_DELIVERY", "inline") == "background" and (
        has_request_context()
    )


def claim_for_new_mail() -> str | None:
    """The claim token a message queued now is written with: this process's sender thread's,
    when the thread will send it; None when it is sent inline (the sender claims it then)."""
    if not _in_background():
        return None
    if _claim["pid"] != os.getpid():  # gunicorn forks workers after import: one token each
        _claim.update(pid=os.getpid(), token=secrets.token_hex(16))
    return _claim["token"]


def send_after_commit(ids: list[int], claimed_by: str | None = None) -> None:
    """Send these outbox messages now (inline) or hand them to this process's sender thread.

    `claimed_by`: the claim token the messages were written with (claim_for_new_mail), if any.
    """
    from marketplace.mail.services import deliver_pending

    if not _in_background():
        for start in range(0, len(ids), BATCH):
            deliver_pending(ids=ids[start : start + BATCH], limit=BATCH, claimed_by=claimed_by)
        return
    _ensure_worker()
    _jobs.put((current_app._get_current_object(), ids, claimed_by, time.monotonic()))


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
        groups: dict[tuple[Flask, str | None], tuple[list[int], list[float]]] = {}
        for app, ids, claimed_by, handed_over in batch:
            ids_of, times = groups.setdefault((app, claimed_by), ([], []))
            ids_of.extend(ids)
            times.append(handed_over)
        for (app, claimed_by), (ids, times) in groups.items():
            with app.app_context():
                # Claimed so long ago that cron may soon take it over: claim it afresh.
                renew = time.monotonic() - min(times) > app.config["MAIL_CLAIM_TIMEOUT"] / 2
                try:
                    for start in range(0, len(ids), BATCH):
                        services.deliver_pending(
                            ids=ids[start : start + BATCH],
                            limit=BATCH,
                            claimed_by=claimed_by,
                            renew=renew,
                        )
                except Exception:  # the thread must survive; send-mail retries later
                    app.logger.exception("background mail delivery failed; send-mail will retry")
                finally:
                    db.session.remove()
        for _ in batch:
            _jobs.task_done()


def wait_until_sent() -> None:
    """Block until the sender thread has handled every message handed to it (for tests)."""
    _jobs.join()
