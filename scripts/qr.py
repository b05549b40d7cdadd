"""A small QR code encoder (ISO/IEC 18004, byte mode, versions 1-10) for printing the demo's
LAN address in a terminal, so that `make serve` needs nothing beyond the Python standard library.

    python3 scripts/qr.py https://192.168.1.20:8443/     # prints the code

The algorithm follows the standard step by step (data codewords, Reed-Solomon blocks, function
patterns, zig-zag placement, the mask with the lowest penalty). Checked by decoding with zbarimg:
URLs and text of 1-150 bytes, levels L and M, every mask.
"""

import sys

# Per version 1-10 (index 0 unused): error correction codewords per block, and blocks.
_ECC_PER_BLOCK = {"L": [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18], "M": [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26]}
_BLOCKS = {"L": [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4], "M": [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5]}
_FORMAT_LEVEL = {"L": 1, "M": 0}
MAX_VERSION = 10


def _gf_multiply(x, y):
    """Product in GF(2^8) modulo x^8 + x^4 + x^3 + x^2 + 1."""
    z = 0
    for i in reversed(range(8)):
        z = (z << 1) ^ ((z >> 7) * 0x11D)
        z ^= ((y >> i) & 1) * x
    return z


def _rs_divisor(degree):
    """Coefficients of the Reed-Solomon generator polynomial, highest power first (implied 1 dropped)."""
    result = [0] * (degree - 1) + [1]
    root = 1
    for _ in range(degree):
        for j in range(degree):
            result[j] = _gf_multiply(result[j], root)
            if j + 1 < degree:
                result[j] ^= result[j + 1]
        root = _gf_multiply(root, 2)
    return result


def _rs_remainder(data, divisor):
    result = [0] * len(divisor)
    for byte in data:
        factor = byte ^ result.pop(0)
        result.append(0)
        for i, coef in enumerate(divisor):
            result[i] ^= _gf_multiply(coef, factor)
    return result


def _raw_modules(version):
    """Modules left for data and error correction once the function patterns are placed."""
    result = (16 * version + 128) * version + 64
    if version >= 2:
        align = version // 7 + 2
        result -= (25 * align - 10) * align - 55
        if version >= 7:
            result -= 36
    return result


def _data_codewords(version, level):
    return _raw_modules(version) // 8 - _ECC_PER_BLOCK[level][version] * _BLOCKS[level][version]


def _alignment_positions(version):
    if version == 1:
        return []
    size = version * 4 + 17
    count = version // 7 + 2
    step = (version * 4 + count * 2 + 1) // (count * 2 - 2) * 2
    return [6] + sorted(size - 7 - i * step for i in range(count - 1))


class _Grid:
    def __init__(self, version):
        self.size = version * 4 + 17
        self.dark = [[False] * self.size for _ in range(self.size)]
        self.function = [[False] * self.size for _ in range(self.size)]

    def put(self, x, y, dark):
        self.dark[y][x] = dark
        self.function[y][x] = True


def _draw_function_patterns(grid, version):
    size = grid.size
    for i in range(size):
        grid.put(6, i, i % 2 == 0)
        grid.put(i, 6, i % 2 == 0)
    for cx, cy in ((3, 3), (size - 4, 3), (3, size - 4)):
        for dy in range(-4, 5):
            for dx in range(-4, 5):
                x, y = cx + dx, cy + dy
                if 0 <= x < size and 0 <= y < size:
                    grid.put(x, y, max(abs(dx), abs(dy)) not in (2, 4))
    positions = _alignment_positions(version)
    last = len(positions) - 1
    for i, ax in enumerate(positions):
        for j, ay in enumerate(positions):
            if (i, j) in ((0, 0), (0, last), (last, 0)):
                continue
            for dy in range(-2, 3):
                for dx in range(-2, 3):
                    grid.put(ax + dx, ay + dy, max(abs(dx), abs(dy)) != 1)
    _draw_format(grid, "M", 0)  # reserve the format areas; redrawn with the real bits later
    if version >= 7:
        rem = version
        for _ in range(12):
            rem = (rem << 1) ^ ((rem >> 11) * 0x1F25)
        bits = version << 12 | rem
        for i in range(18):
            bit = (bits >> i) & 1 == 1
            a, b = size - 11 + i % 3, i // 3
            grid.put(a, b, bit)
            grid.put(b, a, bit)


def _draw_format(grid, level, mask):
    data = _FORMAT_LEVEL[level] << 3 | mask
    rem = data
    for _ in range(10):
        rem = (rem << 1) ^ ((rem >> 9) * 0x537)
    bits = (data << 10 | rem) ^ 0x5412
    bit = lambda i: (bits >> i) & 1 == 1  # noqa: E731
    size = grid.size
    for i in range(6):
        grid.put(8, i, bit(i))
    grid.put(8, 7, bit(6))
    grid.put(8, 8, bit(7))
    grid.put(7, 8, bit(8))
    for i in range(9, 15):
        grid.put(14 - i, 8, bit(i))
    for i in range(8):
        grid.put(size - 1 - i, 8, bit(i))
    for i in range(8, 15):
        grid.put(8, size - 15 + i, bit(i))
    grid.put(8, size - 8, True)


def _codewords(data, version, level):
    """Data bits (byte mode) padded to capacity, split in blocks with their ECC, interleaved."""
    capacity = _data_codewords(version, level)
    bits = []

    def append(value, length):
        bits.extend((value >> i) & 1 for i in reversed(range(length)))

    append(0b0100, 4)
    append(len(data), 8 if version < 10 else 16)
    for byte in data:
        append(byte, 8)
    append(0, min(4, capacity * 8 - len(bits)))
    append(0, -len(bits) % 8)
    words = [int("".join(map(str, bits[i : i + 8])), 2) for i in range(0, len(bits), 8)]
    pad = 0xEC
    while len(words) < capacity:
        words.append(pad)
        pad ^= 0xEC ^ 0x11

    blocks_n = _BLOCKS[level][version]
    ecc_len = _ECC_PER_BLOCK[level][version]
    raw = _raw_modules(version) // 8
    short_blocks = blocks_n - raw % blocks_n
    short_len = raw // blocks_n
    divisor = _rs_divisor(ecc_len)
    blocks = []
    k = 0
    for i in range(blocks_n):
        take = short_len - ecc_len + (0 if i < short_blocks else 1)
        block = words[k : k + take]
        k += take
        ecc = _rs_remainder(block, divisor)
        if i < short_blocks:
            block.append(0)  # placeholder so that every block has the same length
        blocks.append(block + ecc)
    result = []
    for i in range(len(blocks[0])):
        for j, block in enumerate(blocks):
            if i != short_len - ecc_len or j >= short_blocks:
                result.append(block[i])
    return result


def _place(grid, codewords):
    size = grid.size
    i = 0
    right = size - 1
    while right >= 1:
        if right == 6:
            right = 5
        for vert in range(size):
            for j in range(2):
                x = right - j
                upward = ((right + 1) & 2) == 0
                y = size - 1 - vert if upward else vert
                if not grid.function[y][x] and i < len(codewords) * 8:
                    grid.dark[y][x] = (codewords[i >> 3] >> (7 - (i & 7))) & 1 == 1
                    i += 1
        right -= 2


_MASKS = [
    lambda x, y: (x + y) % 2 == 0,
    lambda x, y: y % 2 == 0,
    lambda x, y: x % 3 == 0,
    lambda x, y: (x + y) % 3 == 0,
    lambda x, y: (x // 3 + y // 2) % 2 == 0,
    lambda x, y: x * y % 2 + x * y % 3 == 0,
    lambda x, y: (x * y % 2 + x * y % 3) % 2 == 0,
    lambda x, y: ((x + y) % 2 + x * y % 3) % 2 == 0,
]


def _apply_mask(grid, mask):
    test = _MASKS[mask]
    for y in range(grid.size):
        for x in range(grid.size):
            if not grid.function[y][x] and test(x, y):
                grid.dark[y][x] = not grid.dark[y][x]


def _penalty(dark):
    """The standard's four penalty rules (runs, 2x2 blocks, finder look-alikes, balance)."""
    size = len(dark)
    score = 0
    lines = dark + [list(col) for col in zip(*dark)]
    finder_like = ([1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0], [0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1])
    for line in lines:
        run = 1
        for i in range(1, size + 1):
            if i < size and line[i] == line[i - 1]:
                run += 1
                continue
            if run >= 5:
                score += 3 + run - 5
            run = 1
        as_int = [int(v) for v in line]
        for i in range(size - 10):
            if as_int[i : i + 11] in finder_like:
                score += 40
    for y in range(size - 1):
        for x in range(size - 1):
            if dark[y][x] == dark[y][x + 1] == dark[y + 1][x] == dark[y + 1][x + 1]:
                score += 3
    total = size * size
    dark_count = sum(map(sum, dark))
    score += abs(dark_count * 20 - total * 10) // total * 10
    return score


def encode(text, level="M", mask=None):
    """The QR code of `text` as rows of booleans (True = dark), without the quiet zone."""
    data = text.encode("utf-8")
    version = next((v for v in range(1, MAX_VERSION + 1) if len(data) + 2 + (v >= 10) <= _data_codewords(v, level)), None)
    if version is None:
        raise ValueError(f"text too long for a version {MAX_VERSION} QR code: {len(data)} bytes")
    words = _codewords(data, version, level)
    best = None
    for m in range(8) if mask is None else [mask]:
        grid = _Grid(version)
        _draw_function_patterns(grid, version)
        _place(grid, words)
        _apply_mask(grid, m)
        _draw_format(grid, level, m)
        score = _penalty(grid.dark)
        if best is None or score < best[0]:
            best = (score, grid.dark)
    return best[1]


def to_terminal(rows, quiet=2):
    """Two module rows per text line with half blocks, black on white whatever the terminal's theme."""
    size = len(rows)
    padded = [[False] * (size + 2 * quiet) for _ in range(quiet)]
    padded += [[False] * quiet + list(r) + [False] * quiet for r in rows]
    padded += [[False] * (size + 2 * quiet) for _ in range(quiet + 1)]
    colour = {True: "30", False: "97"}
    background = {True: "40", False: "107"}
    lines = []
    for y in range(0, size + 2 * quiet, 2):
        cells = []
        last = None
        for pair in zip(padded[y], padded[y + 1]):
            if pair != last:
                cells.append(f"\x1b[{colour[pair[0]]};{background[pair[1]]}m")
                last = pair
            cells.append("▀")
        lines.append("".join(cells) + "\x1b[0m")
    return "\n".join(lines)


if __name__ == "__main__":
    print(to_terminal(encode(sys.argv[1] if len(sys.argv) > 1 else "https://example.invalid/")))
