"""Real SMTP endpoints for the outbox tests: a closed port and an in-process aiosmtpd server."""

import socket
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

from tests.fault_servers import TrickleServer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ScriptedHandler:
    """An SMTP server that accepts mail, or answers RCPT or DATA with the reply a test sets."""

    rcpt_reply: str = ""
    data_reply: str = ""
    # Replies to RCPT for particular addresses, e.g. {"b@example.org": "550 5.1.1 No such user"}.
    refuse: dict[str, str] = field(default_factory=dict)
    messages: list[bytes] = field(default_factory=list)
    envelopes: list[list[str]] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        self.messages.append(envelope.content)
        self.envelopes.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def use_smtp(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 3


@pytest.fixture
def smtp_closed_port(settings):
    """Points Django's SMTP backend at a port nothing listens on: every send is refused."""
    use_smtp(settings, free_port())


@pytest.fixture
def smtp_server(settings):
    """A local SMTP server (aiosmtpd) with Django's SMTP backend pointed at it; yields its handler."""
    handler = ScriptedHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    use_smtp(settings, port)
    yield handler
    controller.stop()


@pytest.fixture
def hung_server():
    """Accepts TCP connections and never answers; ``.port``."""
    server = TrickleServer()
    yield server
    server.stop()


@pytest.fixture
def slow_smtp(settings):
    """An SMTP server whose banner arrives one byte every half second; Django's SMTP backend points at it."""
    server = TrickleServer(b"220 slow.example.org ESMTP ready\r\n", pause=0.5)
    use_smtp(settings, server.port)
    yield server
    server.stop()
