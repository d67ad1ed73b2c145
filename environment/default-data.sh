#!/usr/bin/env bash
# The generated data sets the notebooks' smoke profiles read by default, made once: `default_data NOTEBOOK...` makes
# what those notebooks need (01: data/actions, 03: data/voc-scenes; 02 reads Debian's Fashion-MNIST).
# Sourced by environment/reproduce.sh and environment/jupyter-check.sh after setup.sh; expects $root.
# The generated default data sets are made once and made again when the command that makes them changes (it is kept in
# FOLDER/.made-by), so a set left by an older version of this script never feeds the notebooks silently.
make_once() {  # FOLDER, then data-prep's arguments
  local folder=$1; shift
  local command="data-prep $*"
  if [ ! -f "$folder/.made-by" ] || [ "$(cat "$folder/.made-by")" != "$command" ]; then
    rm -rf "$folder"
    dotnet "$root/data-prep/bin/Release/net10.0/data-prep.dll" "$@"
    echo "$command" > "$folder/.made-by"
  fi
}
default_data() {  # notebook paths
  local book
  for book in "$@"; do
    case "$(basename "$book")" in
      # Paper 1: the generated MPEG-4 action set (8 classes x 15 clips, UCF-101 layout and split files).
      01-*) make_once "$root/data/actions" make-actions --out "$root/data/actions" --videos-per-class 15 ;;
      # Paper 3: generated VOC-format scenes as the smoke profile expects them (3 classes, 20-48 px articles, 96 px images).
      03-*) make_once "$root/data/voc-scenes" make-voc --out "$root/data/voc-scenes" --train 96 --test 24 --size 96 \
              --classes tshirt,bag,ankle_boot --min-object 20 --max-object 48 ;;
    esac
  done
}
