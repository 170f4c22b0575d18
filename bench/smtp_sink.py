"""``python -m bench.smtp_sink PORT``: an SMTP server on loopback, in a
process of its own (as a real one would be), that counts what it receives
and prints "<messages> <connections>" when stopped (SIGTERM)."""

from __future__ import annotations

import signal
import sys
import threading
from typing import Any

from aiosmtpd.controller import Controller


class Counter:
    def __init__(self) -> None:
        self.messages = 0
        self.peers: set[Any] = set()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages += 1
        self.peers.add(session.peer)
        return "250 OK"


def main() -> None:
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=int(sys.argv[1]))
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    controller.stop()
    print(f"{counter.messages} {len(counter.peers)}", flush=True)


if __name__ == "__main__":
    main()
