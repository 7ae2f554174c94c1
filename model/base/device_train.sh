#!/usr/bin/env bash
# One call on a lent GPU machine (the `device` tool): unpack the data that device_pack.py packed,
# train on the GPU within a budget, and hand the checkpoints and logs back through $OUT.
# Resumes from .unshake-cache/device/ckpt/latest.pt when that travelled too (copy the files an
# earlier call returned there first). Everything after MINUTES goes to train.py.
#   bash model/base/device_train.sh MINUTES [train.py args...]
# Runs on CPU as well (PYTHON=/usr/bin/python3 OUT=/tmp/out ... --device cpu), which is how it is tested.
set -euo pipefail
cd "$(dirname "$0")/../.."
pack=${PACK:-.unshake-cache/device}  # device_pack.py --out
minutes=${1:?usage: device_train.sh MINUTES [train.py args...]}
shift
out=${OUT:?set OUT to the folder that travels back}
py=${PYTHON:-python3}
[ -f "$pack/data.tar" ] || { echo "missing $pack/data.tar: run python3 model/base/device_pack.py first" >&2; exit 2; }

work=$(mktemp -d /tmp/unshake-device.XXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/data" "$work/ckpt"
tar xf "$pack/data.tar" -C "$work/data"
if [ -d "$pack/ckpt" ]; then cp "$pack"/ckpt/* "$work/ckpt/"; fi
export UNSHAKE_DATA=$work/data PYTHONUNBUFFERED=1
if [ -f "$pack/vgg19-block3.pt" ]; then export UNSHAKE_VGG_PT=$PWD/$pack/vgg19-block3.pt; fi
photos=()
for d in "$work"/data/photos-fetched/*/; do [ -d "$d" ] && photos+=(--photos "$d"); done
# Leave two cores to the training process itself; the rest make batches.
workers=$(( $(nproc) > 3 ? $(nproc) - 2 : 1 ))
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || echo "no nvidia-smi"

set +e
"$py" model/base/train.py --ckpt-dir "$work/ckpt" --minutes "$minutes" --workers "$workers" "${photos[@]}" "$@" \
  2>&1 | tee "$out/train.log"
rc=${PIPESTATUS[0]}
set -e
# Whatever happened, return what exists: a checkpoint saved before a crash is still worth resuming.
for f in latest.pt best.pt log.csv; do [ -f "$work/ckpt/$f" ] && cp "$work/ckpt/$f" "$out/"; done
ls -la "$out"
exit "$rc"
