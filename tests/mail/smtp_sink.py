#!/usr/bin/python3
"""An SMTP sink for the tests: Debian's python3-aiosmtpd on 127.0.0.1:PORT, writing each
message it accepts to DIR as <n>.eml (written to a temporary name, then renamed, so a
reader never sees half a message), with the envelope in X-Sink-From / X-Sink-To headers.

    tests/mail/smtp_sink.py PORT DIR [DELAY_SECONDS]

With DELAY_SECONDS, each message is written at once but acknowledged (250) only that
much later: a sender killed meanwhile has not seen its message accepted (the fault tests).
Prints "ready" on stdout once listening; stops on SIGTERM or SIGINT."""
import asyncio
import itertools
import os
import signal
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder, delay):
        self.folder = folder
        self.delay = delay
        self.count = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        n = next(self.count)
        head = "X-Sink-From: %s\r\nX-Sink-To: %s\r\n" % (
            envelope.mail_from, ", ".join(envelope.rcpt_tos))
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8")
        tmp = os.path.join(self.folder, ".%d.tmp" % n)
        with open(tmp, "wb") as f:
            f.write(head.encode("ascii") + data)
        os.rename(tmp, os.path.join(self.folder, "%d-%d.eml" % (os.getpid(), n)))
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    delay = float(sys.argv[3]) if len(sys.argv) > 3 else 0
    os.makedirs(folder, exist_ok=True)
    controller = Controller(Sink(folder, delay), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()


if __name__ == "__main__":
    main()
