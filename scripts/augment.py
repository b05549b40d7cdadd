#!/usr/bin/env python3
"""Photos like the labelled ones but not the same files: each photo with a labelled quad,
mirrored, turned by 90° and 180°, and (when larger) scaled down to 1280 px on its long side,
saved as JPEG at quality 85, with its quad carried along. `doccheck eval` on the result says how
far the outline finder's accuracy holds on photos it was not tuned on.

    scripts/augment.py LABELS.jsonl OUT_DIR
    target/release/doccheck eval OUT_DIR/labels.jsonl

Only `file` and `quad` are carried (the problems of a turned photo are the same, but its
labels are about the outline). Needs Pillow (`pip install pillow`).
"""
import argparse
import json
import sys
from pathlib import Path

try:
    from PIL import Image, ImageOps
except ImportError:
    sys.exit("augment.py needs Pillow: pip install pillow")

LONG_SIDE = 1280


def variants(image, quad):
    """(name, image, quad) for each variant of an upright image and its quad."""
    w, h = image.size
    yield "mirror", image.transpose(Image.Transpose.FLIP_LEFT_RIGHT), [
        [w - 1 - x, y] for x, y in quad
    ]
    yield "rot180", image.transpose(Image.Transpose.ROTATE_180), [
        [w - 1 - x, h - 1 - y] for x, y in quad
    ]
    # ROTATE_90 turns counter-clockwise: (x, y) goes to (y, w - 1 - x).
    yield "rot90", image.transpose(Image.Transpose.ROTATE_90), [[y, w - 1 - x] for x, y in quad]
    scale = LONG_SIDE / max(w, h)
    if scale < 1:
        size = (round(w * scale), round(h * scale))
        # Pixel centres scale about the half-pixel offset.
        yield "small", image.resize(size, Image.Resampling.LANCZOS), [
            [(x + 0.5) * scale - 0.5, (y + 0.5) * scale - 0.5] for x, y in quad
        ]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("labels", type=Path)
    ap.add_argument("out", type=Path)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    lines = []
    for n, text in enumerate(args.labels.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not text.strip():
            continue
        label = json.loads(text)
        quad = label.get("quad")
        if not quad:
            continue
        src = args.labels.parent / label["file"]
        try:
            image = ImageOps.exif_transpose(Image.open(src)).convert("RGB")
        except OSError as e:
            sys.exit(f"{args.labels}:{n}: cannot read {src}: {e}")
        stem = label["file"].replace("/", "_").rsplit(".", 1)[0].replace(" ", "_")
        for name, img, q in variants(image, quad):
            file = f"{stem}_{name}.jpg"
            img.save(args.out / file, quality=85)
            lines.append(json.dumps({"file": file, "quad": q}))
    (args.out / "labels.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} photos and {args.out / 'labels.jsonl'}")


if __name__ == "__main__":
    main()
