"""A real SMTP server on a local socket, enough of RFC 5321 for smtplib: the tests' mail server.

It accepts every message and keeps it (parsed) in `messages`, so a test counts what arrived over
the wire, the way a mailbox would.
"""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading
import time
from email.message import EmailMessage


class _Session(socketserver.StreamRequestHandler):
    """One SMTP connection: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        server: SMTPServer = self.server.owner  # type: ignore[attr-defined]
        with server.lock:
            server.connections += 1
        self.reply("220 fake-smtp ready")
        recipients: list[str] = []
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-fake-smtp")
                self.reply("250 8BITMIME")
            elif verb == "HELO":
                self.reply("250 fake-smtp")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                self._receive(server, recipients)
                self.reply("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")

    def _receive(self, server: SMTPServer, recipients: list[str]) -> None:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)  # undo dot-stuffing
        time.sleep(server.delay)
        message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
        with server.lock:
            server.messages.append((recipients, message))
        server.on_message(message)


class _ThreadingServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SMTPServer:
    """Listens on 127.0.0.1 on a free port; `messages` holds (recipients, message) received."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.on_message = lambda message: None  # runs before the server answers DATA
        self.lock = threading.Lock()
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.connections = 0
        self._server = _ThreadingServer(("127.0.0.1", 0), _Session)
        self._server.owner = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SMTPServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def recipients(self) -> list[str]:
        """Every envelope recipient of every message received, in arrival order."""
        with self.lock:
            return [to for recipients, _ in self.messages for to in recipients]
