"""Draws favicon.svg's mark as icon-192.png and icon-512.png (web app manifest icons).

No image library: 4x4 samples a pixel, written with zlib. Run: python3 assets/icons.py
"""
import struct
import zlib
from pathlib import Path

BLUE = (10, 98, 201)
WHITE = (255, 255, 255)
# favicon.svg's two arrows, in its 32x32 user units; stroke width 3, round caps and joins.
LINES = [[(7, 11), (20, 11), (16, 7)], [(25, 21), (12, 21), (16, 25)]]
SEGMENTS = [(a, b) for line in LINES for a, b in zip(line, line[1:])]


def near_stroke(x, y):
    for (ax, ay), (bx, by) in SEGMENTS:
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
        px, py = ax + t * dx - x, ay + t * dy - y
        if px * px + py * py <= 1.5 * 1.5:
            return True
    return False


def in_rounded_square(x, y, r=6.0):
    cx, cy = min(max(x, r), 32 - r), min(max(y, r), 32 - r)
    return 0 <= x <= 32 and 0 <= y <= 32 and (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def pixel(px, py, size, n=4):
    acc = [0, 0, 0, 0]
    for sy in range(n):
        for sx in range(n):
            x = (px + (sx + 0.5) / n) * 32 / size
            y = (py + (sy + 0.5) / n) * 32 / size
            if not in_rounded_square(x, y):
                continue
            colour = WHITE if near_stroke(x, y) else BLUE
            for i in range(3):
                acc[i] += colour[i]
            acc[3] += 255
    count = n * n
    alpha = acc[3] // count
    if alpha == 0:
        return (0, 0, 0, 0)
    covered = acc[3] // 255
    return tuple(acc[i] // covered for i in range(3)) + (alpha,)


def png(size):
    rows = b"".join(b"\0" + bytes(c for x in range(size) for c in pixel(x, y, size)) for y in range(size))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    here = Path(__file__).parent
    for size in (192, 512):
        (here / f"icon-{size}.png").write_bytes(png(size))
