"""Real SMTP endpoints for the outbox tests: a closed port and an in-process aiosmtpd server."""

import socket
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ScriptedHandler:
    """An SMTP server that accepts mail, or answers RCPT or DATA with the reply a test sets."""

    rcpt_reply: str = ""
    data_reply: str = ""
    messages: list[bytes] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        self.messages.append(envelope.content)
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
