"""Pack the training data for a lent GPU machine (the `device` tool), which reaches nothing
beside the repo: what it needs travels as ignored files, 64 MiB together with the working tree.

  python3 model/base/device_pack.py [--out .unshake-cache/device] [--budget-mib 54] [--max-frames N]
                                    [--photos /work/photos] [--vgg]

Writes OUT/data.tar in the shared-data layout (untar it and point UNSHAKE_DATA at it), with --vgg
also OUT/vgg19-block3.pt (9 MB, for the GAN phase; taken off the budget), and prints what went
in. In order, until the budget is full: the GoPro pairs (PNG as they are: validation must score
the same files), the kernel bank, photos-extra re-encoded as JPEG q95 4:4:4 (16 MiB; 30 as PNG),
the GOPR0477 frames (a contiguous run from the first, so averages of consecutive frames stay
possible), the GOPR0477 pairs made of frames that did not fit (SOURCES.md: the frames hold those of
four pairs), then the --photos folders (as photos-fetched/<n>/; device_train.sh passes them to
train.py --photos). index.tsv lists the pairs that went in.
Never packs gopro-official/ or levin/ (evaluation only; they are scored here, on the CPU).
"""
from __future__ import annotations

import argparse
import csv
import io
import shutil
import sys
import tarfile
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from data import DATA, FRAMES_DIR, PAIRS_DIR, image_files, read_pairs_index  # noqa: E402
from losses import VGG_PT  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
MIB = 1 << 20
INDEX_RESERVE = 8192  # the pairs' index is written last, so its room is kept from the start


class BudgetTar:
    """A tar that refuses a member which would take it over the budget."""

    def __init__(self, path: Path, budget: int) -> None:
        self.tar, self.budget, self.used = tarfile.open(path, "w"), budget, 0

    @staticmethod
    def member_size(n: int) -> int:
        return 512 + -(-n // 512) * 512  # header + padded payload

    def fits(self, *sizes: int) -> bool:
        return self.used + sum(self.member_size(n) for n in sizes) <= self.budget

    def add(self, arcname: str, data: bytes) -> bool:
        if not self.fits(len(data)):
            return False
        size = self.member_size(len(data))
        info = tarfile.TarInfo(arcname)
        info.size = len(data)
        self.tar.addfile(info, io.BytesIO(data))
        self.used += size
        return True

    def close(self) -> None:
        self.tar.close()


def jpeg_q95(path: Path) -> bytes:
    buf = io.BytesIO()
    with Image.open(path) as im:
        im.convert("RGB").save(buf, format="JPEG", quality=95, subsampling=0)
    return buf.getvalue()


def pair_frames(row: dict[str, str]) -> set[str]:
    """The gopro-frames files a GOPR0477 pair averages (start S: files S+1 ... S+n, SOURCES.md)."""
    if row["sequence"] != FRAMES_DIR.name:
        return {"-"}  # never a subset of the frame files
    s, n = int(row["start_frame"]), int(row["n_avg"])
    return {f"{i:06d}.jpg" for i in range(s + 1, s + n + 1)}


def pack(out: Path, budget: int, photo_dirs: list[Path], max_frames: int, vgg: bool) -> dict[str, list[int]]:
    """Returns {kind: [files, bytes]} of what went in."""
    for required in (FRAMES_DIR, DATA / "kernels" / "kernels.json"):
        if not required.exists():
            raise SystemExit(f"missing {required}: shared data not found at {DATA}")
    if vgg and not VGG_PT.exists():
        raise SystemExit(f"--vgg: {VGG_PT} missing (run python3 model/base/convert_vgg.py)")
    out.mkdir(parents=True, exist_ok=True)
    (out / VGG_PT.name).unlink(missing_ok=True)
    if vgg:
        shutil.copyfile(VGG_PT, out / VGG_PT.name)
        budget -= VGG_PT.stat().st_size
    tmp = out / "data.tar.tmp"
    tar, counts = BudgetTar(tmp, budget - INDEX_RESERVE), {}

    def put(kind: str, arcname: str, data: bytes) -> bool:
        ok = tar.add(arcname, data)
        c = counts.setdefault(kind, [0, 0])
        c[0], c[1] = c[0] + ok, c[1] + ok * len(data)
        return ok

    def put_pair(row: dict[str, str]) -> bool:
        files = [PAIRS_DIR / row[k] for k in ("blurred", "sharp")]
        if not tar.fits(*(f.stat().st_size for f in files)):
            return False  # both or neither
        return all(put("pairs", f"gopro-train-pairs/{f.name}", f.read_bytes()) for f in files)

    rows, frame_files = read_pairs_index(), image_files(FRAMES_DIR)
    known = {f.name for f in frame_files}
    later = [r for r in rows if pair_frames(r) <= known]  # the GOPR0477 pairs made of these frames
    for r in (r for r in rows if r not in later):
        if not put_pair(r):
            raise SystemExit(f"--budget-mib {budget // MIB} is too small even for the GoPro pairs")
    if not put("kernels", "kernels/kernels.json", (DATA / "kernels" / "kernels.json").read_bytes()):
        raise SystemExit(f"--budget-mib {budget // MIB} is too small for the kernel bank")
    for src in sorted((DATA / "photos-extra").iterdir()):
        if src.is_dir():
            for f in image_files(src):
                put("photos-extra", f"photos-extra/{src.name}/{f.stem}.jpg", jpeg_q95(f))
    packed: set[str] = set()
    for f in frame_files[:max_frames]:
        if not put("frames", str(f.relative_to(DATA)), f.read_bytes()):
            break  # keep the frames consecutive
        packed.add(f.name)
    # A pair whose frames travel is redundant: the frames source makes such averages itself.
    kept = [r for r in rows if r not in later or (not pair_frames(r) <= packed and put_pair(r))]
    index = io.StringIO()
    writer = csv.DictWriter(index, fieldnames=list(rows[0]), delimiter="\t", lineterminator="\n")
    writer.writeheader()
    writer.writerows(kept)
    tar.budget += INDEX_RESERVE
    put("pairs", "gopro-train-pairs/index.tsv", index.getvalue().encode())
    for n, d in enumerate(photo_dirs):
        for f in image_files(d):
            put("photos-fetched", f"photos-fetched/{n}/{f.name}", f.read_bytes())
    tar.close()
    tmp.replace(out / "data.tar")
    return counts


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=REPO_ROOT / ".unshake-cache" / "device")
    # 64 MiB travel in all: the repo (~5 MiB), a carried latest.pt (~3 MB) and this tar.
    p.add_argument("--budget-mib", type=int, default=54, help="the tar's size limit")
    p.add_argument("--max-frames", type=int, default=10 ** 6, help="at most this many GOPR0477 frames")
    p.add_argument("--photos", type=Path, action="append", default=[], help="more sharp photos (fetch-photos.sh DEST)")
    p.add_argument("--vgg", action="store_true", help="also the VGG19 weights for the GAN phase")
    a = p.parse_args()
    counts = pack(a.out, a.budget_mib * MIB, a.photos, a.max_frames, a.vgg)
    tar = a.out / "data.tar"
    print(f"wrote {tar} ({tar.stat().st_size / MIB:.1f} MiB): "
          + ", ".join(f"{k} {n} files {b / MIB:.1f} MiB" for k, (n, b) in counts.items()))


if __name__ == "__main__":
    main()
