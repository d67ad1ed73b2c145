#!/usr/bin/env bash
# Runs every test of the solution (CPU only), after installing and building what is missing, then notebook 02 through a
# real Jupyter client in the .NET Interactive kernel (environment/jupyter-check.sh; all three: run that script alone).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/environment/setup.sh"
dotnet test "$root/Notebooks.sln" -c Release --no-build -nologo
bash "$root/environment/jupyter-check.sh" "$root/notebooks/02-cross-layer-kd.ipynb"
