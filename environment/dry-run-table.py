#!/usr/bin/env python3
"""Prints the dry-run table of environment/dry-run.sh from a dry-run result store.

One row per run folder (config.json with a dryRun cap, metrics.jsonl, dry-run.json): step ms and eval ms from its last
epoch (epoch 2 of the capped run, after the first epoch's warm-up), peak resident memory of the experiment, and an
estimate of the uncapped run. The estimate scales the measured step linearly to the planned batch, multiplies by the
steps of the full data set (FULL below) and the planned epochs, adds an evaluation of the full test split per epoch,
and divides by the assumed GPU speed-up. It is an extrapolation, not a measurement.

usage: dry-run-table.py RESULTS_DIR [GPU_SPEEDUP]
"""
import json
import os
import sys

# Training / test items of the real data sets (CIFAR-100; ImageNet 64x64 train / val; UCF-101 split 1; VOC 2007 trainval / test).
FULL = {"cifar100": (50_000, 10_000), "imagenet64": (1_281_167, 50_000), "ucf101": (9_537, 3_783),
        "hmdb51": (3_570, 1_530), "voc2007": (5_011, 4_952)}


def rows(root):
    for name in sorted(os.listdir(root)):
        folder = os.path.join(root, name)
        paths = [os.path.join(folder, f) for f in ("config.json", "metrics.jsonl", "dry-run.json")]
        if not all(os.path.exists(p) for p in paths):
            continue
        config = json.load(open(paths[0]))
        last = [json.loads(line) for line in open(paths[1]) if line.strip()][-1]
        memory = json.load(open(paths[2]))
        batch = config["batchSize"]
        images = config["trainImages"]                      # the cap: steps x batch (fewer if the data set is smaller)
        train_s = images / last["images_per_second"]
        steps = max(1, images // batch)
        step_ms = 1000 * train_s / steps
        eval_ms = 1000 * max(0.0, last["seconds"] - train_s)
        yield config, memory, batch, step_ms, eval_ms


def hours(ms):
    return ms / 3.6e6


def main():
    root = sys.argv[1]
    speedup = float(sys.argv[2]) if len(sys.argv) > 2 else 100.0
    print("| experiment | batch (dry / planned) | step ms | eval ms | peak MiB | full run: steps | est. CPU h | est. GPU h |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for config, memory, batch, step_ms, eval_ms in rows(root):
        planned_batch, planned_epochs = memory["plannedBatch"], memory["plannedEpochs"]
        full_train, full_test = FULL.get(config["dataSet"], (None, None))
        if full_train is None:
            full = "?"
            cpu_h = gpu_h = "?"
        else:
            full_steps = planned_epochs * (full_train // planned_batch)
            per_step = step_ms * planned_batch / batch          # linear in the batch: an assumption
            eval_per_item = eval_ms / (config["testImages"])
            total = full_steps * per_step + planned_epochs * full_test * eval_per_item
            full = f"{full_steps:,}"
            cpu_h, gpu_h = f"{hours(total):,.1f}", f"{hours(total) / speedup:,.2f}"
        print(f"| {config['name']} (seed {config['seed']}) | {batch} / {planned_batch} | {step_ms:,.0f} | {eval_ms:,.0f} | "
              f"{memory['peakRssMiB']:,.0f} | {full} | {cpu_h} | {gpu_h} |")


if __name__ == "__main__":
    main()
