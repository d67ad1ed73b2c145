#!/usr/bin/env bash
# Cold start of the notebook runner: wall time of `dotnet notebooks.dll run trivial.ipynb` for a notebook whose only
# cell is `1 + 1` (process start, the .NET Interactive C# kernel's start and first compile, .ipynb + HTML written), and of
# `notebooks --help` alone (process start without the kernel). Each is run RUNS times in fresh processes; min, median and max are printed.
#   bash tests/Benchmarks/NotebookHost/cold-start.sh [RUNS]     (default 5; builds lib/Notebooks.Host in Release if needed)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
runs=${1:-5}
host="$root/lib/Notebooks.Host/bin/Release/net10.0/notebooks.dll"
[ -f "$host" ] || dotnet build "$root/lib/Notebooks.Host" -c Release -p:UseSharedCompilation=false -nologo -v q
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/trivial.ipynb" <<'JSON'
{
 "cells": [
  {"cell_type": "code", "execution_count": null, "id": "trivial", "metadata": {"polyglot_notebook": {"kernelName": "csharp"}},
   "outputs": [], "source": ["1 + 1"]}
 ],
 "metadata": {"kernelspec": {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"},
              "language_info": {"name": "polyglot-notebook"}},
 "nbformat": 4, "nbformat_minor": 5
}
JSON

measure() { # label, command...: prints "label: min / median / max s over N runs"
  local label=$1; shift
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null
    end=$(date +%s%N)
    times+=("$(( (end - start) / 1000000 ))")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" '
    { t[NR] = $1 } END { printf "%s: min %.2f s, median %.2f s, max %.2f s over %d runs\n", label, t[1]/1000, t[int((NR+1)/2)]/1000, t[NR]/1000, NR }'
}

measure "host start (notebooks --help)" dotnet "$host" --help
measure "host start + trivial cell (notebooks run trivial.ipynb)" dotnet "$host" run "$work/trivial.ipynb" --out "$work/out"
grep -q '<pre>2</pre>' "$work/out/trivial.ipynb" \
  || { echo "cold-start: the trivial cell did not produce 2" >&2; exit 1; }
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
