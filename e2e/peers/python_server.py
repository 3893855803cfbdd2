"""A real python `websockets` echo server on 127.0.0.1, a free port.

Prints `listening PORT` once ready; runs until killed.
"""

import sys

from websockets.sync.server import serve


def echo(ws) -> None:
    for message in ws:
        ws.send(message)


def main() -> None:
    with serve(echo, "127.0.0.1", 0) as server:
        print(f"listening {server.socket.getsockname()[1]}", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
