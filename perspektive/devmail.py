"""A local mail sink for ``make run`` (demo only): accepts mail on 127.0.0.1:8025 and keeps each message as an
.eml file under DATA_DIR/mail, so a referral can be followed end to end without a mail server. Referrals arrive
encrypted; the demo authority's secret key is in DATA_DIR/demo-authority-gnupg."""
from __future__ import annotations

import secrets
import signal
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

from perspektive.config import load_config


class KeepAsFiles:
    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}.eml"
        (self.folder / name).write_bytes(envelope.content)
        return "250 Message accepted"


def main() -> None:
    config = load_config()
    controller = Controller(KeepAsFiles(Path(config["DATA_DIR"]) / "mail"), hostname="127.0.0.1",
                            port=config["SMTP_PORT"])
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
