#!/usr/bin/env bash
# Runs notebooks the way a Jupyter user does: `jupyter nbconvert --execute` with the `.net-csharp` kernel of the
# dotnet-interactive tool (what VS Code's Jupyter extension starts too), in their default smoke profile, each into
# reports/jupyter/NAME.ipynb with a fresh result store, then checks what the real kernel produced: every frame cell an
# HTML table with its columns, every chart cell a Plotly chart, every picture cell a PNG, no error anywhere
# (tests/Jupyter/check_outputs.py against tests/Jupyter/expected-outputs.json), and that every socket the kernel listened
# on while it ran was a loopback one.
#   bash environment/jupyter-check.sh [notebooks/NN-name.ipynb ...]     (default: all three; CI runs notebook 02)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/environment/setup.sh"
books=("$@")
[ ${#books[@]} -gt 0 ] || books=("$root"/notebooks/[0-9]*.ipynb)
cd "$root"
source "$root/environment/default-data.sh"
default_data "${books[@]}"
out="$root/reports/jupyter"
mkdir -p "$out"
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
for book in "${books[@]}"; do
  name=$(basename "$book" .ipynb)
  start=$(date +%s)
  listeners="$results/$name.listeners"
  ( while sleep 1; do ss -Hltnp 2>/dev/null | grep '"dotnet-interact' || true; done ) > "$listeners" &
  watcher=$!
  DISTILL_RESULTS="$results" jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=1800 \
    --ExecutePreprocessor.kernel_name=.net-csharp --output-dir "$out" --output "$name" "$book"
  kill "$watcher"
  echo "jupyter-check: $name executed by the .net-csharp kernel in $(( $(date +%s) - start )) s"
  addresses=$(awk '{print $4}' "$listeners" | sort -u)
  [ -n "$addresses" ] || { echo "jupyter-check: saw no socket of the kernel (is ss from iproute2 installed?)" >&2; exit 1; }
  if grep -v -E '^(127\.[0-9.]+|\[::1\]):[0-9]+$' <<<"$addresses"; then
    echo "jupyter-check: the kernel listened beyond loopback on the addresses above" >&2; exit 1
  fi
  echo "jupyter-check: the kernel listened on $(wc -l <<<"$addresses") addresses, all loopback"
  /usr/bin/python3 "$root/tests/Jupyter/check_outputs.py" "$out/$name.ipynb" "$root/tests/Jupyter/expected-outputs.json"
done
