#!/usr/bin/env bash
# The one command for the GPU machine (PyTorch installed, no .NET): runs the packed TorchSharp benchmark and the
# PyTorch reference on the same GPU with the same shapes, writes both JSON files and prints the ratio table.
#
#   tests/Benchmarks/KdStep/run-gpu.sh [common options]      (from the repository root)
#
# Needs .carry/kdstep.tar.xz (made here by: /work/shared/gpu/pack.sh tests/Benchmarks/KdStep/KdStep.csproj kdstep).
# Common options go to both programs: --pairs --batches --classes --modes --warmup --steps --repeats --epoch-batches.
# Output: $OUT (the run tool's folder) or results/kdstep-<date>/: kdstep.json, reference.json, compare.md, logs.
# Environment: TORCH_LIB (PyTorch's torch/lib), PYTHON, KDSTEP_ARGS / REFERENCE_ARGS (extra options for one side),
# DISTILL_DEVICE=cpu (check the whole chain on a CPU machine).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${OUT:-$root/results/kdstep-$(date -u +%Y%m%dT%H%M%SZ)}
venv=/opt/torch/.venv
python=${PYTHON:-$( [ -x "$venv/bin/python" ] && echo "$venv/bin/python" || echo python3 )}
torch_lib=${TORCH_LIB:-$("$python" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')}
mkdir -p "$out"
[ $# -gt 0 ] || set -- --pairs resnet32:resnet8,vgg11:vgg6 --batches 128,512
[ -f "$root/.carry/kdstep.tar.xz" ] || { echo "run-gpu.sh: $root/.carry/kdstep.tar.xz is missing; pack it first (see README.md)" >&2; exit 2; }
rm -rf /tmp/kdstep && tar xJf "$root/.carry/kdstep.tar.xz" -C /tmp

device_args=()
if [ "${DISTILL_DEVICE:-}" = cpu ]; then device_args=(--device cpu); else export DISTILL_DEVICE=cuda; fi
{ command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv | tee "$out/gpu.txt"; } || true

echo "== TorchSharp (packed KdStep, libtorch from $torch_lib)"
# the glue finds PyTorch's libtorch through LD_LIBRARY_PATH; TorchRuntime sees libtorch_cuda.so there and initialises CUDA
LD_LIBRARY_PATH="$torch_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
  /tmp/kdstep/KdStep --out "$out/kdstep.json" "$@" ${KDSTEP_ARGS:-} 2>&1 | tee "$out/kdstep.log" \
  || echo "run-gpu.sh: KdStep reported failed configurations (see $out/kdstep.json)"
echo "== PyTorch reference ($python)"
"$python" "$here/reference.py" --out "$out/reference.json" "${device_args[@]}" "$@" ${REFERENCE_ARGS:-} 2>&1 | tee "$out/reference.log" \
  || echo "run-gpu.sh: reference.py failed (see $out/reference.log)"
echo "== Ratios (images/s TorchSharp / PyTorch; above 1 = TorchSharp faster)"
if [ -f "$out/kdstep.json" ] && [ -f "$out/reference.json" ]; then
  "$python" "$here/compare.py" "$out/kdstep.json" "$out/reference.json" | tee "$out/compare.md"
else
  echo "run-gpu.sh: no ratio table, a JSON file is missing in $out" >&2
  exit 1
fi
