#!/usr/bin/env python3
"""How far a verdict survives what happens to a photo between the person's device and a back
office: a second JPEG encoding (the widget's capture is a JPEG, which is decoded again for the
re-check), or a different JPEG decoder (browsers and Pillow use libjpeg-turbo; the native CLI
uses the `image` crate's decoder, whose pixels differ by a level or two here and there).

    scripts/agreement.py LABELS.jsonl [--quality 95] [--doccheck target/release/doccheck]

For every photo of the labels file it runs `doccheck check` on the photo as it is, on the photo
re-encoded by Pillow at the given JPEG quality, and on Pillow's decoding of it saved losslessly
(PNG), and prints how many verdicts (`ready`) and problem lists differ from the first. Needs
Pillow (`pip install pillow`); the photos are written to a temporary folder.
"""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    from PIL import Image, ImageOps
except ImportError:
    sys.exit("agreement.py needs Pillow: pip install pillow")


def check(doccheck, files):
    """`doccheck check` on the files: {file: (ready, problems)} (errors as their message)."""
    out = subprocess.run([doccheck, "check", *map(str, files)], capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"doccheck check failed ({out.returncode}): {out.stderr.strip()}")
    reports = {}
    for line in out.stdout.splitlines():
        r = json.loads(line)
        reports[Path(r["file"]).stem] = r.get("error") or (r["ready"], r["problems"])
    return reports


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("labels", type=Path)
    ap.add_argument("--quality", type=int, default=95, help="JPEG quality of the re-encoding (1-95; 95 is the widget's first choice)")
    ap.add_argument("--doccheck", default="target/release/doccheck", help="the CLI to run")
    args = ap.parse_args()
    if not 1 <= args.quality <= 95:
        sys.exit("--quality must be 1 to 95")
    folder = args.labels.parent
    photos = []
    for n, line in enumerate(args.labels.read_text(encoding="utf-8-sig").splitlines(), 1):
        if line.strip():
            photos.append(folder / json.loads(line)["file"])
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        variants = {"original": [], f"re-encoded (JPEG quality {args.quality})": [], "decoded by Pillow": []}
        for i, photo in enumerate(photos):
            # Numbered names: the same stem in every variant, whatever the photo's own name.
            stem = f"{i:05d}"
            original = tmp / f"{stem}{photo.suffix.lower()}"
            original.symlink_to(photo.resolve())
            # As displayed (the CLI applies the EXIF orientation too).
            image = ImageOps.exif_transpose(Image.open(photo))
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
            (tmp / "jpeg").mkdir(exist_ok=True)
            (tmp / "png").mkdir(exist_ok=True)
            image.convert("RGB").save(tmp / "jpeg" / f"{stem}.jpg", quality=args.quality)
            image.save(tmp / "png" / f"{stem}.png")
            for name, path in zip(variants, [original, tmp / "jpeg" / f"{stem}.jpg", tmp / "png" / f"{stem}.png"]):
                variants[name].append(path)
        results = {name: check(args.doccheck, files) for name, files in variants.items()}
    base = results["original"]
    stems = [s for s in base if not isinstance(base[s], str)]
    print(f"{len(stems)} photos of {args.labels} ({len(base) - len(stems)} unreadable, left out)")
    for name, reports in list(results.items())[1:]:
        ready = [s for s in stems if reports[s][0] != base[s][0]]
        problems = [s for s in stems if reports[s][1] != base[s][1]]
        print(f"{name}: ready differs on {len(ready)}, problems on {len(problems)}")
        for s in problems:
            print(f"  {photos[int(s)].name}: {base[s][1]} -> {reports[s][1]}")


if __name__ == "__main__":
    main()
