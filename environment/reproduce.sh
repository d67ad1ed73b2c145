#!/usr/bin/env bash
# The main job: run every notebook on the embedded default data and write HTML reports + executed notebooks.
#   bash environment/reproduce.sh [--profile smoke|paper] [notebooks/NN-name.ipynb ...]
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
# Paper 1's default data: the generated action set (written once; its split files appear only when every clip is done).
if [ ! -f "$root/data/actions/ucfTrainTestlist/classInd.txt" ]; then
  dotnet "$root/data-prep/bin/Release/net10.0/data-prep.dll" make-actions --out "$root/data/actions"
fi
# Notebook 03's embedded default data: generated VOC-format scenes, made once (idempotent: kept when present).
if [ ! -f "$root/data/voc-scenes/VOCdevkit/VOCScenes/ImageSets/Main/test.txt" ]; then
  dotnet "$root/data-prep/bin/Release/net10.0/data-prep.dll" make-voc --out "$root/data/voc-scenes" --train 200 --test 100 --size 128
fi
dotnet "$root/lib/Notebooks.Host/bin/Release/net10.0/notebooks.dll" run "${books[@]}" --out "$root/reports" --profile "$profile"
