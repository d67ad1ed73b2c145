#!/usr/bin/env bash
# Runs every test of the solution (CPU only), after installing and building what is missing.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/environment/setup.sh"
dotnet test "$root/Notebooks.sln" -c Release --no-build -nologo
