#!/usr/bin/env python3
"""Side-by-side table of a KdStep (TorchSharp) JSON and a reference.py (PyTorch) JSON from the same machine.

    compare.py kdstep.json reference.json [--markdown]

For every (mode, teacher -> student, batch) it lists each measured variant with ms/step and images/s, and the
ratios that answer "is the library as fast as PyTorch": our best full-KD variant (teacher recomputed) over
PyTorch eager fp32, over PyTorch's best full-KD variant, and our plain fp32 NCHW over PyTorch eager fp32
(like for like). Ratios are images/s ours / images/s theirs: above 1 means faster. Also checks that both
programs built models with the same parameter counts.
"""
import json
import sys


def key(r):
    return r["mode"], r["teacher"], r["student"], r["batch"]


def ours_name(r):
    return f"TorchSharp {r['dtype']} {r['layout']}{' reuse' if r['teacher_reuse'] else ''}"


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        raise SystemExit(__doc__)
    ours, theirs = (json.load(open(p)) for p in args)
    lines = []
    out = lines.append
    out(f"TorchSharp: {ours['date']} on {ours['device']} ({ours['cpu']}), libtorch {ours['lib_torch']}, "
        f"{ours['torch_threads']} threads, load {ours['load_average_before']} -> {ours['load_average_after']}")
    out(f"PyTorch:    {theirs['date']} on {theirs['device']}, torch {theirs['torch']}, "
        f"{theirs['torch_threads']} threads, load {theirs['load_average_before']} -> {theirs['load_average_after']}")
    bad = False
    for m in ours["models"]:
        ref = theirs["models"].get(m["name"], {}).get("parameters")
        status = "match" if ref == m["parameters"] else "MISMATCH"
        bad |= ref is not None and ref != m["parameters"]
        out(f"{m['name']}: {m['parameters']:,} parameters (TorchSharp zoo), {ref:,} (reference.py): {status}"
            if ref is not None else f"{m['name']}: {m['parameters']:,} parameters (not in reference.json)")
    for note in theirs.get("notes", []) + ours.get("failures", []):
        out(f"note: {note}")
    out("")
    out("| mode | pair | B | variant | ms/step | images/s |")
    out("|---|---|---|---|---|---|")
    groups = sorted({key(r) for r in ours["results"]} | {key(r) for r in theirs["results"]},
                    key=lambda k: (k[0] != "step", k[1], k[3]))
    ratios = []
    for g in groups:
        mine = [r for r in ours["results"] if key(r) == g]
        ref = [r for r in theirs["results"] if key(r) == g]
        rows = [(ours_name(r), r) for r in mine] + [(f"PyTorch {r['variant']}", r) for r in ref]
        for name, r in rows:
            out(f"| {g[0]} | {g[1]}->{g[2]} | {g[3]} | {name} | {r['ms_per_step']:.2f} | {r['images_per_second']:.0f} |")
        full_ours = [r for r in mine if not r["teacher_reuse"]]
        full_ref = [r for r in ref if not r["variant"].endswith("reuse")]
        eager = next((r for r in ref if r["variant"] == "eager-fp32"), None)
        plain = next((r for r in mine if r["dtype"] == "fp32" and r["layout"] == "nchw" and not r["teacher_reuse"]), None)
        best_ours = max(full_ours, key=lambda r: r["images_per_second"], default=None)
        best_ref = max(full_ref, key=lambda r: r["images_per_second"], default=None)
        ratios.append((g, best_ours, best_ref, eager, plain))
    out("")
    out("| mode | pair | B | ours best (full KD) | / PyTorch eager fp32 | / PyTorch best (full KD) | ours fp32 NCHW / PyTorch eager fp32 |")
    out("|---|---|---|---|---|---|---|")
    for g, best_ours, best_ref, eager, plain in ratios:
        def ratio(a, b):
            return f"{a['images_per_second'] / b['images_per_second']:.2f}x" if a and b else "-"
        best_label = (f"{ours_name(best_ours)}: {best_ours['images_per_second']:.0f} img/s" if best_ours else "-")
        ref_label = f" ({best_ref['variant']})" if best_ref else ""
        out(f"| {g[0]} | {g[1]}->{g[2]} | {g[3]} | {best_label} | {ratio(best_ours, eager)} | "
            f"{ratio(best_ours, best_ref)}{ref_label} | {ratio(plain, eager)} |")
    print("\n".join(lines))
    if bad:
        raise SystemExit("compare.py: the two programs' models differ in parameter count")


if __name__ == "__main__":
    main()
