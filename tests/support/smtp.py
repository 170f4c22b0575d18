"""An SMTP server on loopback that keeps the messages it receives."""

from __future__ import annotations

import time
from typing import Any


class SMTPSink:
    """An SMTP server on loopback (aiosmtpd) that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        # The client's address of each message: one per connection it used.
        self.peers: list[Any] = []
        # Addresses answered "451 try again later" at RCPT, for now.
        self.refuse_for_now: set[str] = set()
        # Close each connection after this many messages (as some servers do).
        self.messages_per_connection = 0
        self.controller: Any = None
        self.port = 0

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        sink = self

        class Handler:
            async def handle_RCPT(  # noqa: N802
                self, server: Any, session: Any, envelope: Any, address: str, options: Any
            ) -> str:
                if address in sink.refuse_for_now:
                    return "451 4.3.0 Try again later"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
                import asyncio
                from email import message_from_bytes, policy

                sink.messages.append(message_from_bytes(envelope.content, policy=policy.default))
                sink.peers.append(session.peer)
                limit = sink.messages_per_connection
                if limit and sink.peers.count(session.peer) >= limit:
                    # After this answer has gone out.
                    asyncio.get_running_loop().call_soon(server.transport.close)
                return "250 OK"

        if not self.port:
            # aiosmtpd checks it is up by connecting to the port it was
            # given, so it needs a real one rather than 0.
            import socket

            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        self.port = self.controller.server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
            time.sleep(0.05)

    def connections(self) -> int:
        """How many connections the messages came over."""
        return len(set(self.peers))

    def recipients(self) -> list[str]:
        return [m["To"] for m in self.messages]
