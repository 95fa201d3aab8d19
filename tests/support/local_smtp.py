"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it receives.

`SmtpServer()` starts on a free port; `messages` holds each accepted message as an
`email.message.EmailMessage` with its envelope (`mail_from`, `rcpt_tos`); `connection_uri` is
the Airflow Connection URI (``AIRFLOW_CONN_SMTP_DEFAULT``) that reaches it without TLS.
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from local_http import free_port


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def body(self) -> str:
        """The text, with the wire's CRLF line ends read as newlines."""
        return self.message.get_content().replace("\r\n", "\n")


class SmtpServer:
    def __init__(self, from_email: str = "satudata-bot@tangerangkota.go.id") -> None:
        self.messages: list[Received] = []
        outer = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
                parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
                outer.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
                return "250 Message accepted for delivery"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        self.connection_uri = (
            f"smtp://127.0.0.1:{self.port}?disable_ssl=true&disable_tls=true"
            f"&from_email={from_email}"
        )

    def stop(self) -> None:
        self.controller.stop()
