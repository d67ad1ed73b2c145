#!/usr/bin/env python3
"""PyTorch reference for the KdStep benchmark: the same KD step on the same shapes, written here.

Models are this repository's zoo definitions re-written in PyTorch: CIFAR ResNet 6n+2 with option-A (zero-pad,
parameter-free) shortcuts (He et al. 2016, sec. 4.2) and CIFAR VGG with batch norm, including the VGG-6 student of
Chou et al. (2021). Parameter counts are printed next to the zoo's and must match.

Step: frozen teacher forward (no grad; skipped when its outputs are reused) + student forward/backward +
loss (1 - alpha) CE + alpha T^2 KL(teacher_T || student_T) (Hinton et al. 2015) + SGD (momentum 0.9, wd 5e-4),
loss and top-1 hits accumulated on the device (no host sync per step).
Variants: eager-fp32, eager-fp32-reuse, cl-bf16 (channels_last + bf16 autocast), compile-fp32, compile-cl-bf16.
Modes: "step" (one fixed on-device batch) and "epoch" (uint8 set resident on the device, per-epoch shuffle,
random crop with 4-pixel zero padding and flip by gathers, normalisation, then the step; the reuse variant runs
without shuffle and augmentation so cached teacher logits are valid). Writes JSON.
"""
import argparse
import datetime
import json
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# Parameter counts of our TorchSharp zoo at 100 classes (lib/Distill/Models: ResNetCifar.cs and Vgg.cs doc comments).
ZOO_PARAMS_100 = {"resnet8": 81_140, "resnet32": 470_004, "vgg11": 9_802_596, "vgg6": 4_657_764}
CIFAR100_MEAN, CIFAR100_STD = (0.5071, 0.4865, 0.4409), (0.2673, 0.2564, 0.2762)


def conv_bn_relu(cin, cout, bias=False):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=bias), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class ZeroPadShortcut(nn.Module):
    """Option A: x[:, :, ::s, ::s] zero-padded from cin to cout channels."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.stride, self.before, self.after = stride, (cout - cin) // 2, cout - cin - (cout - cin) // 2

    def forward(self, x):
        if self.stride != 1:
            x = x[:, :, ::self.stride, ::self.stride]
        return F.pad(x, (0, 0, 0, 0, self.before, self.after))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = ZeroPadShortcut(cin, cout, stride) if stride != 1 or cin != cout else nn.Identity()

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(y + self.shortcut(x))


class ResNetCifar(nn.Module):
    def __init__(self, depth, classes):
        super().__init__()
        n, cin, stages = (depth - 2) // 6, 16, []
        for width, stride in ((16, 1), (32, 2), (64, 2)):
            blocks = []
            for b in range(n):
                blocks.append(BasicBlock(cin, width, stride if b == 0 else 1))
                cin = width
            stages.append(nn.Sequential(*blocks))
        self.stem = conv_bn_relu(3, 16)
        self.stages = nn.Sequential(*stages)
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        return self.fc(self.stages(self.stem(x)).mean((2, 3)))


VGG = {6: ([1, 1, 1], False, 256), 11: ([1, 1, 2, 2, 2], True, 512)}  # convs per stage, global pool, hidden width


class Vgg(nn.Module):
    def __init__(self, depth, classes, side=32):
        super().__init__()
        convs, global_pool, hidden = VGG[depth]
        layers, cin = [], 3
        for s, count in enumerate(convs):
            if s > 0:
                layers.append(nn.MaxPool2d(2, 2, ceil_mode=True))
                side = (side + 1) // 2
            for _ in range(count):
                layers.append(conv_bn_relu(cin, (64, 128, 256, 512, 512)[s], bias=True))
                cin = (64, 128, 256, 512, 512)[s]
        self.features = nn.Sequential(*layers)
        self.global_pool = global_pool
        self.pool = nn.MaxPool2d(2, 2, ceil_mode=True)
        features = cin if global_pool else cin * side * side
        self.classifier = nn.Sequential(
            nn.Dropout(0.5), nn.Linear(features, hidden), nn.ReLU(inplace=True),
            nn.Dropout(0.5), nn.Linear(hidden, hidden), nn.ReLU(inplace=True), nn.Linear(hidden, classes))

    def forward(self, x):
        x = self.features(x)
        x = self.pool(x).mean((2, 3)) if self.global_pool else x.flatten(1)
        return self.classifier(x)


def build(name, classes):
    if name.startswith("resnet"):
        model = ResNetCifar(int(name[6:]), classes)
    elif name.startswith("vgg"):
        model = Vgg(int(name[3:]), classes)
    else:
        raise SystemExit(f"reference.py: unknown model '{name}' (resnet<6n+2>, vgg6, vgg11)")
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
    return model


def kd_loss(s_logits, t_logits, labels, temperature, alpha):
    ce = F.cross_entropy(s_logits, labels)
    log_s = F.log_softmax(s_logits / temperature, 1)
    log_t = F.log_softmax(t_logits / temperature, 1)
    kd = (log_t.exp() * (log_t - log_s)).sum(1).mean() * (temperature * temperature)
    return (1 - alpha) * ce + alpha * kd


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


class KdRunner:
    """Teacher, student, optimiser and step function for one (pair, variant)."""

    def __init__(self, args, teacher_name, student_name, variant, device):
        torch.manual_seed(args.seed)
        self.device, self.args = device, args
        self.bf16 = "bf16" in variant
        self.channels_last = "cl" in variant.split("-")
        self.reuse = variant.endswith("reuse")
        fmt = torch.channels_last if self.channels_last else torch.contiguous_format
        self.teacher = build(teacher_name, args.classes).to(device, memory_format=fmt).eval()
        for p in self.teacher.parameters():
            p.requires_grad_(False)
        self.student = build(student_name, args.classes).to(device, memory_format=fmt).train()
        self.opt = torch.optim.SGD(self.student.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
        self.loss = kd_loss
        if variant.startswith("compile"):
            self.teacher = torch.compile(self.teacher)
            self.student = torch.compile(self.student)
            self.loss = torch.compile(kd_loss)
        self.stats = torch.zeros(2, device=device)  # loss sum, top-1 hits
        self.cache = {}
        self.steps = 0

    def layout(self, x):
        return x.contiguous(memory_format=torch.channels_last) if self.channels_last else x

    def step(self, x, y, position=0):
        a = self.args
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.bf16):
            if self.reuse and position in self.cache:
                t = self.cache[position]
            else:
                with torch.no_grad():
                    t = self.teacher(x).float()
                if self.reuse:
                    self.cache[position] = t
            s = self.student(x)
            loss = self.loss(s.float(), t, y, a.temperature, a.alpha)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        self.stats += torch.stack([loss.detach(), (s.detach().argmax(1) == y).sum().float()])
        self.steps += 1


def time_steps(runner, x, y, steps):
    sync(runner.device)
    start = time.perf_counter()
    for _ in range(steps):
        runner.step(x, y)
    sync(runner.device)
    return time.perf_counter() - start


def run_step(args, runner, batch):
    x = runner.layout(torch.randn(batch, 3, 32, 32, device=runner.device))
    y = torch.randint(0, args.classes, (batch,), device=runner.device)
    warm = time_steps(runner, x, y, args.warmup)
    times = [time_steps(runner, x, y, args.steps) for _ in range(args.repeats)]
    return args.steps, warm, [args.steps * batch / t for t in times]


def crop_flip(x, pad, dy, dx, flip):
    """Batch-wide random crop (zero padding) and horizontal flip by two gathers, as in our BatchAugment."""
    b, c, h, w = x.shape
    padded = F.pad(x, (pad, pad, pad, pad))
    cols = torch.arange(w, device=x.device).view(1, w)
    rows = dy.view(b, 1) + torch.arange(h, device=x.device).view(1, h)
    cols = dx.view(b, 1) + torch.where(flip.view(b, 1), (w - 1) - cols, cols)
    out = padded.gather(2, rows.view(b, 1, h, 1).expand(b, c, h, w + 2 * pad))
    return out.gather(3, cols.view(b, 1, 1, w).expand(b, c, h, w))


def run_epoch(args, runner, batch):
    dev, n = runner.device, args.epoch_batches * batch
    gen = torch.Generator().manual_seed(args.seed)
    images = torch.randint(0, 256, (n, 3, 32, 32), dtype=torch.uint8, generator=gen).to(dev)
    labels = torch.randint(0, args.classes, (n,), generator=gen).to(dev)
    scale = (1 / (255 * torch.tensor(CIFAR100_STD))).view(1, 3, 1, 1).to(dev)
    shift = (-torch.tensor(CIFAR100_MEAN) / torch.tensor(CIFAR100_STD)).view(1, 3, 1, 1).to(dev)
    augment = not runner.reuse

    def epoch(e):
        g = torch.Generator().manual_seed(args.seed * 1000 + e)
        order = (torch.randperm(n, generator=g) if augment else torch.arange(n)).to(dev)
        dy, dx = (torch.randint(0, 9, (n,), generator=g).to(dev) for _ in range(2))
        flip = torch.randint(0, 2, (n,), generator=g).to(dev).bool()
        sync(dev)
        start = time.perf_counter()
        for k in range(args.epoch_batches):
            idx = order[k * batch:(k + 1) * batch]
            x = images[idx]
            if augment:
                x = crop_flip(x, 4, dy[idx], dx[idx], flip[idx])
            x = runner.layout(x.float().mul_(scale).add_(shift))
            runner.step(x, labels[idx], position=k)
        sync(dev)
        return time.perf_counter() - start

    warm = epoch(0)
    times = [epoch(e) for e in range(1, args.repeats + 1)]
    return args.epoch_batches, warm, [args.epoch_batches * batch / t for t in times]


def load_average():
    try:
        return [float(v) for v in open("/proc/loadavg").read().split()[:3]]
    except OSError:
        return None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--pairs", default="resnet32:resnet8")
    p.add_argument("--batches", default="128,512")
    p.add_argument("--classes", type=int, default=100)
    p.add_argument("--variants", default="eager-fp32,eager-fp32-reuse,cl-bf16,compile-fp32")
    p.add_argument("--modes", default="step,epoch")
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--epoch-batches", type=int, default=40)
    p.add_argument("--temperature", type=float, default=4.0)
    p.add_argument("--alpha", type=float, default=0.9)
    p.add_argument("--threads", type=int, default=0, help="CPU threads (0: all logical CPUs)")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", default="reference.json")
    args = p.parse_args()
    torch.set_num_threads(args.threads or os.cpu_count())
    device = torch.device(args.device)
    pairs = [tuple(s.split(":")) for s in args.pairs.split(",")]
    batches = [int(b) for b in args.batches.split(",")]
    variants, modes = args.variants.split(","), args.modes.split(",")
    started, load_before = datetime.datetime.now(datetime.timezone.utc), load_average()
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else platform_cpu()
    print(f"reference.py: torch {torch.__version__}, device {name}, {torch.get_num_threads()} threads")

    models, mismatches = {}, []
    for model_name in sorted({m for pair in pairs for m in pair}):
        count = sum(p.numel() for p in build(model_name, args.classes).parameters())
        zoo = ZOO_PARAMS_100.get(model_name) if args.classes == 100 else None
        models[model_name] = {"parameters": count, "zoo_parameters": zoo}
        print(f"{model_name}: {count:,} parameters here, {zoo:,} in our zoo" if zoo else f"{model_name}: {count:,} parameters")
        if zoo is not None and zoo != count:
            mismatches.append(model_name)

    results, notes, runners = [], [], {}
    for mode in modes:
        for teacher, student in pairs:
            for batch in batches:
                for variant in variants:
                    if variant.startswith("compile") and not hasattr(torch, "compile"):
                        note = f"{variant}: skipped, torch {torch.__version__} has no torch.compile"
                        if note not in notes:
                            notes.append(note)
                            print(note)
                        continue
                    try:
                        # one runner per (pair, batch, variant) for both modes: torch.compile then compiles once
                        runner = runners.get((teacher, student, batch, variant))
                        if runner is None:
                            runner = runners[(teacher, student, batch, variant)] = KdRunner(args, teacher, student, variant, device)
                        runner.cache.clear()
                        steps, warm, ips = (run_step if mode == "step" else run_epoch)(args, runner, batch)
                    except Exception as e:  # a variant this torch/device cannot run is recorded, not fatal
                        notes.append(f"{mode} {teacher}->{student} B={batch} {variant}: {type(e).__name__}: {str(e).splitlines()[0]}")
                        print("failed: " + notes[-1])
                        continue
                    median = statistics.median(ips)
                    results.append({
                        "mode": mode, "teacher": teacher, "student": student, "batch": batch, "variant": variant,
                        "steps_per_repeat": steps, "ms_per_step": 1000 * batch / median, "images_per_second": median,
                        "repeat_images_per_second": ips, "best_images_per_second": max(ips), "warmup_seconds": warm,
                        "mean_loss": (runner.stats[0] / runner.steps).item()})
                    print(f"{mode:<5} {teacher}->{student} B={batch} {variant}: {1000 * batch / median:.2f} ms/step, "
                          f"{median:.0f} img/s (repeats {', '.join(f'{v:.0f}' for v in ips)})")
    report = {
        "program": "reference.py (PyTorch)", "date": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seconds": (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds(),
        "device": name, "cpu": platform_cpu(), "logical_cpus": os.cpu_count(), "torch_threads": torch.get_num_threads(),
        "load_average_before": load_before, "load_average_after": load_average(),
        "torch": torch.__version__, "cuda": torch.version.cuda, "cudnn_benchmark": torch.backends.cudnn.benchmark,
        "config": vars(args), "models": models, "results": results, "notes": notes}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(report, f, indent=2)
    print(f"wrote {args.out} ({len(results)} measurements)")
    if mismatches:
        raise SystemExit(f"reference.py: parameter counts differ from our zoo for {', '.join(mismatches)}")


def platform_cpu():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


if __name__ == "__main__":
    main()
