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
mkdir -p "$work/data" "$out"
tar xf "$pack/data.tar" -C "$work/data"
# Checkpoints are written straight into $OUT: a call stopped at its time limit still hands back
# the last latest.pt (saved every --ckpt-every steps) and best.pt, not nothing.
if [ -d "$pack/ckpt" ]; then cp "$pack"/ckpt/* "$out/"; fi
# Leave two cores to the training process itself; the rest make batches. GNU nproc honours
# OMP_NUM_THREADS (set below, and perhaps by the caller): with it set to 1 the first GPU call
# counted 1 core and trained on one worker, 2.1 s a step instead of ~0.3 (README "Lent GPU").
cores=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)
workers=$(( cores > 3 ? cores - 2 : 1 ))
echo "data workers: $workers of $cores cores"
# The data workers are separate processes: one BLAS/OpenMP thread each, or 14 of them oversubscribe 16 cores.
export UNSHAKE_DATA=$work/data PYTHONUNBUFFERED=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
if [ -f "$pack/vgg19-block3.pt" ]; then export UNSHAKE_VGG_PT=$PWD/$pack/vgg19-block3.pt; fi
photos=()
for d in "$work"/data/photos-fetched/*/; do [ -d "$d" ] && photos+=(--photos "$d"); done
if nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null; then
  # ~10 s: how the step time grows with the batch (is the GPU full at 16?), for the next call's
  # choice of --batch. Never fatal: the training below is what the call is for.
  "$py" model/base/step_probe.py --step-only --step-batches 4,8,32,64 --json "$out/gpu-steps.json" \
    || echo "step probe failed (ignored)"
else
  echo "no nvidia-smi"
fi

set +e
"$py" model/base/train.py --ckpt-dir "$out" --minutes "$minutes" --workers "$workers" "${photos[@]}" "$@" \
  2>&1 | tee "$out/train.log"
rc=${PIPESTATUS[0]}
set -e
ls -la "$out"
exit "$rc"
