"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, for tests and the bench."""
from __future__ import annotations

import email
import socket
import threading
from dataclasses import dataclass, field
from email import policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self):
        return email.message_from_bytes(self.data, policy=policy.default)


@dataclass
class Sink:
    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.rcpt_tos]


def start_sink(port: int | None = None, handler=None, **kwargs) -> tuple[Controller, Sink]:
    handler = handler or Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=port or free_port(), **kwargs)
    controller.start()
    return controller, handler
