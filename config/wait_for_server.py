"""Wait until the development server accepts connections (``make run`` starts the workers after it).

Run as ``python config/wait_for_server.py HOST PORT``; imports nothing of Django, so it costs nothing.
The workers and the scheduler each start Django too; on a two-core machine, starting them alongside
the server made it answer several seconds later. Gives up silently after two minutes, so the workers
start even if the server is slow to come up.
"""

import socket
import sys
import time

TIMEOUT_SECONDS = 120


def wait(host: str, port: int) -> bool:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.2)
    return False


if __name__ == "__main__":
    wait(sys.argv[1], int(sys.argv[2]))
