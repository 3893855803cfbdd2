"""A real python `websockets` client for the peer tests.

usage: python_client.py URL echo     open, echo a text and a binary message, close
       python_client.py URL mirror   print the lab's first message (the handshake
                                     record), then echo once and close
"""

import sys

from websockets.sync.client import connect


def main() -> None:
    url, mode = sys.argv[1], sys.argv[2]
    with connect(url, open_timeout=10, close_timeout=5) as ws:
        if mode == "mirror":
            print(ws.recv(timeout=10))
        ws.send("hello from python websockets")
        assert ws.recv(timeout=10) == "hello from python websockets"
        ws.send(b"\x00\x01\xfe\xff")
        assert ws.recv(timeout=10) == b"\x00\x01\xfe\xff"
    if mode == "echo":
        print("echoed")


if __name__ == "__main__":
    main()
