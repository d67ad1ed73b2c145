#!/usr/bin/env bash
# Dry run of every notebook's paper profile on generated data in the real on-disk formats at the paper's resolutions:
#   bash environment/dry-run.sh [01|02|03|all] ...
# 02: CIFAR-100 binary (32x32, 100 classes) and ImageNet 64x64 npz (1000 classes), both pairs / every row, 1 seed;
# 01: UCF-101 layout, 101 classes, 3 clips each, 340x256 MPEG-4 Part 2 (GOP 12, no B-frames), ResNet-152/18/18 at 224;
# 03: VOC 2007 layout, 20 classes, 500x375 JPEGs, Faster R-CNN at 512.
# Each experiment is capped by DISTILL_DRY_RUN (lib/Distill/Experiments/DryRun.cs): 2 epochs of 2 optimiser steps, one
# evaluation batch, a checkpoint per epoch; the cap is part of each run's config, so its hash and folder differ from any
# real run's. Each notebook runs twice: the first pass trains and renders its report; then every run loses its summary
# and newest checkpoint (an interrupted run) and the second pass must resume each from its epoch-1 checkpoint (checked:
# epoch 1's metrics line is kept, epoch 2 is trained again) and render the report again. Prints a table per part
# (experiment, step ms, eval ms, peak MiB, estimated full run; environment/dry-run-table.py says how it is estimated).
# Work folder: $DRY_RUN_DIR (default data/dry-run, git-ignored): data/, results/, reports/, tables.
# DRY_RUN_SEEDS (default 1) seeds per row in 02; DRY_RUN_GPU_SPEEDUP (default 100) the assumed GPU speed-up.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/environment/setup.sh"
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(all)
[ "${parts[0]}" != all ] || parts=(02 03 01)
work=${DRY_RUN_DIR:-$root/data/dry-run}
mkdir -p "$work/data" "$work/results" "$work/reports"
data=$work/data
prep=(dotnet "$root/data-prep/bin/Release/net10.0/data-prep.dll")
host=(dotnet "$root/lib/Notebooks.Host/bin/Release/net10.0/notebooks.dll")
cd "$root"

make_data() {
  case "$1" in
    02)
      [ -d "$data/cifar100" ] || "${prep[@]}" make cifar100 --out "$data/cifar100" --train 512 --test 256
      [ -d "$data/imagenet64" ] || "${prep[@]}" make imagenet64 --out "$data/imagenet64" --train 1024 --test 256 ;;
    01)
      [ -f "$data/ucf101/ucfTrainTestlist/classInd.txt" ] || "${prep[@]}" make-actions --out "$data/ucf101" \
        --motions 8 --appearances 10 --speeds 2 --classes 101 --videos-per-class 3 --frames 36 --width 340 --height 256 ;;
    03)
      [ -d "$data/voc2007/VOCdevkit/VOC2007" ] || "${prep[@]}" make-voc --out "$data/voc2007" --folder VOC2007 \
        --pascal-classes --size 500x375 --train 8 --test 4 --min-object 40 --max-object 200 ;;
  esac
}

# run_notebook KEY CAP NOTEBOOK [--param Name=Value ...]: one pass of NOTEBOOK's paper profile into results/KEY.
run_notebook() {
  local key=$1 cap=$2 book=$3; shift 3
  DISTILL_DRY_RUN=$cap DISTILL_DATA=$data DISTILL_RESULTS=$work/results/$key \
    "${host[@]}" run "notebooks/$book" --profile paper "$@" --out "$work/reports/$key"
}

# interrupt KEY: every run of results/KEY loses its summary and newest checkpoint; remembers each one's epoch-1 metrics.
interrupt() {
  local store=$work/results/$1
  for run in "$store"/*/; do
    head -n 1 "$run/metrics.jsonl" > "$run/epoch1.expected"
    rm -f "$run/summary.json" "$(ls -d "$run"/checkpoints/* | sort | tail -n 1)"
  done
}

# resumed KEY: every run finished again, from its epoch-1 checkpoint (epoch 1's metrics kept as they were).
resumed() {
  local store=$work/results/$1 bad=0
  for run in "$store"/*/; do
    if [ ! -f "$run/summary.json" ] || ! head -n 1 "$run/metrics.jsonl" | cmp -s - "$run/epoch1.expected"; then
      echo "dry-run: $run did not resume from its epoch-1 checkpoint" >&2; bad=1
    fi
  done
  [ $bad = 0 ] && echo "dry-run: $1: all $(ls -d "$store"/*/ | wc -l) runs resumed from their epoch-1 checkpoint and finished"
}

# part KEY CAP NOTEBOOK [params]: both passes and the table.
part() {
  local key=$1
  rm -rf "$work/results/$key" "$work/reports/$key"
  local clock=$SECONDS
  run_notebook "$@"
  python3 "$root/environment/dry-run-table.py" "$work/results/$key" "${DRY_RUN_GPU_SPEEDUP:-100}" | tee "$work/$key.md"
  echo "dry-run: $key: first pass $((SECONDS - clock)) s"
  interrupt "$key"
  run_notebook "$@"
  resumed "$key"
}

echo "dry-run: load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for p in "${parts[@]}"; do
  make_data "$p"
  case "$p" in
    02)
      part 02-cifar100 "epochs=2,steps=2,eval=1" 02-cross-layer-kd.ipynb --param DataSet=cifar100 --param "Seeds=${DRY_RUN_SEEDS:-1}"
      part 02-imagenet64 "epochs=2,steps=2,eval=1" 02-cross-layer-kd.ipynb --param DataSet=imagenet64 --param "Seeds=${DRY_RUN_SEEDS:-1}" ;;
    # Batch 2 videos (6 I-frames of 224x224) instead of 32, to fit a 2-core, 23 GB machine (peak 5.5 GB at batch 2);
    # a GPU user should check batch 32 fits (about 16x the activation memory of batch 2).
    01) part 01 "epochs=2,steps=2,eval=1,batch=2" 01-multi-teacher-compressed-video.ipynb --param DataSet=ucf101 ;;
    03) part 03 "epochs=2,steps=2,eval=1" 03-detection-kd.ipynb ;;
    *) echo "dry-run: unknown part '$p' (01, 02, 03 or all)" >&2; exit 2 ;;
  esac
done
echo "dry-run: load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "dry-run: tables in $work/*.md, reports in $work/reports/"
