#!/usr/bin/env python3
"""Photos like the labelled ones but not the same files: each labelled photo mirrored, turned
by 90° either way and by 180°, and (when larger) scaled down to 1280 px on its long side, saved as JPEG at
quality 85, with its labels carried along. `doccheck eval` on the result says how far the
engine's accuracy holds on photos it was not tuned on. `--variants same --quality Q` writes
each photo as it is, re-encoded at JPEG quality Q instead (as an upload might be).
`--variants tilt` writes each photo turned by a few degrees either way (−7, −3, −1.5, 1.5,
3 and 7), cropped to the largest centred rectangle of its own shape that holds no corner
filled in, and kept only where the labelled quad stays inside that crop: documents whose
sides lie between the Hough transform's whole degrees.

    scripts/augment.py LABELS.jsonl OUT_DIR
    scripts/augment.py --variants same --quality 75 LABELS.jsonl OUT_DIR
    scripts/augment.py --variants tilt LABELS.jsonl OUT_DIR
    target/release/doccheck eval OUT_DIR/labels.jsonl
    scripts/augment.py --self-check    # the quads follow the pixels in every variant

The quad is moved with the pixels. The problems (`problems` or `expect`) are the same on a
mirrored or turned photo, and are carried. On a scaled-down one they are carried unless one
of them depends on the photo's pixel count (`blurry`, `low_resolution`): such a variant keeps
only its quad, or is not written when it has none. A tilted one is a little larger in its
crop: it keeps only its quad when a problem depends on the framing (`too_far`, `too_close`,
`corners_cut_off`, `no_document`) or on the pixel count. Needs Pillow (`pip install pillow`).
"""
import argparse
import json
import math
import sys
from pathlib import Path

try:
    from PIL import Image, ImageOps
except ImportError:
    sys.exit("augment.py needs Pillow: pip install pillow")

LONG_SIDE = 1280
# Problems that a smaller copy of the photo may have or lose.
SCALE_DEPENDENT = {"blurry", "low_resolution"}
# … and a tilted copy, cropped closer, too.
FRAMING_DEPENDENT = SCALE_DEPENDENT | {"too_far", "too_close", "corners_cut_off", "no_document"}
DEFAULT_VARIANTS = ["mirror", "rot180", "rot90", "rot270", "small"]
TILTS = [-7.0, -3.0, -1.5, 1.5, 3.0, 7.0]


def variants(image):
    """(name, image, point map, same scale) for each variant of an upright image; the map
    takes a point of the image to the variant."""
    w, h = image.size
    yield "same", image, lambda x, y: [x, y], True
    yield "mirror", image.transpose(Image.Transpose.FLIP_LEFT_RIGHT), lambda x, y: [
        w - 1 - x,
        y,
    ], True
    yield "rot180", image.transpose(Image.Transpose.ROTATE_180), lambda x, y: [
        w - 1 - x,
        h - 1 - y,
    ], True
    # ROTATE_90 turns counter-clockwise: (x, y) goes to (y, w - 1 - x).
    yield "rot90", image.transpose(Image.Transpose.ROTATE_90), lambda x, y: [y, w - 1 - x], True
    # ROTATE_270 turns clockwise: (x, y) goes to (h - 1 - y, x).
    yield "rot270", image.transpose(Image.Transpose.ROTATE_270), lambda x, y: [h - 1 - y, x], True
    scale = LONG_SIDE / max(w, h)
    if scale < 1:
        size = (round(w * scale), round(h * scale))
        # Pixel centres scale about the half-pixel offset.
        yield "small", image.resize(size, Image.Resampling.LANCZOS), lambda x, y: [
            (x + 0.5) * scale - 0.5,
            (y + 0.5) * scale - 0.5,
        ], False


def tilted(image):
    """(name, image, point map) for the image turned by each of TILTS degrees (counter-clockwise
    for positive angles, as Pillow turns) about its centre and cropped to the largest centred
    rectangle of its own shape that the turned picture fills."""
    w, h = image.size
    for degrees in TILTS:
        a = math.radians(degrees)
        share = min(
            w / (w * math.cos(abs(a)) + h * math.sin(abs(a))),
            h / (w * math.sin(abs(a)) + h * math.cos(abs(a))),
        )
        cw, ch = int(w * share), int(h * share)
        x0, y0 = (w - cw) // 2, (h - ch) // 2
        turned = image.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=False)
        crop = turned.crop((x0, y0, x0 + cw, y0 + ch))
        # Pillow turns about the point (w / 2, h / 2) in pixel-edge coordinates; pixel centres
        # sit half a pixel in.
        cx, cy = w / 2, h / 2

        def move(x, y, a=a, x0=x0, y0=y0, cx=cx, cy=cy):
            px, py = x + 0.5 - cx, y + 0.5 - cy
            return [
                cx + px * math.cos(a) + py * math.sin(a) - 0.5 - x0,
                cy - px * math.sin(a) + py * math.cos(a) - 0.5 - y0,
            ]

        yield f"tilt{degrees:+g}", crop, move, (cw, ch)


def self_check():
    """Each variant moves a marked pixel where its point map says: the quads follow the
    pixels. Exits non-zero when one does not."""
    # Near the corners for the whole-picture variants; well inside, where the crop keeps
    # them, for the tilted ones.
    names = follows(variants, [(10, 20), (1400, 35), (1300, 850), (60, 700)])
    if names != ["same", *DEFAULT_VARIANTS]:
        sys.exit(f"self-check: variants {names}")
    follows(tilted, [(700, 300), (900, 320), (880, 600), (650, 580)])
    print("self-check: the quads follow the pixels in every variant")


def follows(make, points):
    """Marks `points` on a black 1500 × 900 image, and checks that each variant `make` gives
    of it has them where its point map moves them; returns the variants' names."""
    image = Image.new("RGB", (1500, 900), (0, 0, 0))
    for x, y in points:
        for dx in range(-4, 5):
            for dy in range(-4, 5):
                image.putpixel((x + dx, y + dy), (255, 255, 255))
    names = []
    for name, img, move, _ in make(image):
        names.append(name)
        grey = img.convert("L")
        for x, y in points:
            mx, my = move(x, y)
            v = grey.getpixel((round(mx), round(my)))
            if v < 200:
                sys.exit(f"self-check: {name} moves ({x}, {y}) to ({mx:.1f}, {my:.1f}), which is {v}")
    return names


def wanted_variants(image, wanted):
    """(name, image, point map, problems not carried, crop size or None) for each variant of
    `image` in `wanted`: a scaled-down copy drops those depending on the pixel count, a tilted
    one those depending on the framing too, and its quad must stay inside its crop."""
    for name, img, move, same_scale in variants(image):
        if name in wanted:
            yield name, img, move, set() if same_scale else SCALE_DEPENDENT, None
    if "tilt" in wanted:
        for name, img, move, size in tilted(image):
            yield name, img, move, FRAMING_DEPENDENT, size


def main():
    if sys.argv[1:] == ["--self-check"]:
        self_check()
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("labels", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument(
        "--variants",
        default=",".join(DEFAULT_VARIANTS),
        help="which to write, comma-separated, of: same (the photo as it is, re-encoded), "
        + ", ".join(DEFAULT_VARIANTS)
        + ", tilt (six small turns, cropped) (default: all but same and tilt)",
    )
    ap.add_argument("--quality", type=int, default=85, help="JPEG quality, 1-95 (default 85)")
    args = ap.parse_args()
    wanted = args.variants.split(",")
    unknown = set(wanted) - {"same", "tilt", *DEFAULT_VARIANTS}
    if unknown or not wanted:
        ap.error(f"unknown variants: {', '.join(sorted(unknown))}")
    if not 1 <= args.quality <= 95:
        ap.error("--quality must be 1-95")
    args.out.mkdir(parents=True, exist_ok=True)
    lines = []
    for n, text in enumerate(args.labels.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not text.strip():
            continue
        label = json.loads(text)
        quad = label.get("quad")
        given = [k for k in ("problems", "expect") if label.get(k) is not None]
        if not quad and not given:
            continue
        src = args.labels.parent / label["file"]
        try:
            image = ImageOps.exif_transpose(Image.open(src)).convert("RGB")
        except OSError as e:
            sys.exit(f"{args.labels}:{n}: cannot read {src}: {e}")
        stem = label["file"].replace("/", "_").rsplit(".", 1)[0].replace(" ", "_")
        for name, img, move, dropped, crop in wanted_variants(image, wanted):
            out = {"file": f"{stem}_{name}.jpg"}
            if quad:
                out["quad"] = [move(x, y) for x, y in quad]
                if crop:
                    cw, ch = crop
                    inside = all(0 <= x <= cw - 1 and 0 <= y <= ch - 1 for x, y in out["quad"])
                    # A corner cropped out changes what the photo shows: not written, unless
                    # the label already has corners out of the frame (whose problems are not
                    # carried).
                    cut = any("corners_cut_off" in label[k] for k in given)
                    if not inside and not cut:
                        continue
            for k in given:
                if not dropped & set(label[k]):
                    out[k] = label[k]
            if len(out) == 1:
                continue
            img.save(args.out / out["file"], quality=args.quality)
            lines.append(json.dumps(out))
    (args.out / "labels.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} photos and {args.out / 'labels.jsonl'}")


if __name__ == "__main__":
    main()
