#!/usr/bin/env bash
# The main job: run every notebook on the embedded default data and write HTML reports + executed notebooks.
#   bash environment/reproduce.sh [--profile smoke|paper] [notebooks/NN-name.ipynb ...]
#   (notebook 02 also has --profile cpu: its committed CPU measurements, see README)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/environment/setup.sh"
profile=smoke
books=()
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) profile=$2; shift 2 ;;
    *) books+=("$1"); shift ;;
  esac
done
[ ${#books[@]} -gt 0 ] || books=("$root"/notebooks/[0-9]*.ipynb)
cd "$root"
source "$root/environment/default-data.sh"
default_data "${books[@]}"
dotnet "$root/lib/Notebooks.Host/bin/Release/net10.0/notebooks.dll" run "${books[@]}" --out "$root/reports" --profile "$profile"
