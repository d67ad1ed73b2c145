#!/usr/bin/env bash
# Installs what this project needs on Debian 12 / Ubuntu 22.04+, then restores and builds the solution.
# Sourced by environment/reproduce.sh and environment/test.sh; safe to run again (it only adds what is missing).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -n "${DISTILL_SETUP_DONE:-}" ]; then return 0 2>/dev/null || exit 0; fi

# apt packages: the libstdc++ shim compiler, real Fashion-MNIST, FFmpeg (encoder + libraries for the
# compressed-domain video reader), nbformat (validates executed notebooks), Chromium (renders HTML reports in tests).
apt_packages=(g++ pkg-config dataset-fashion-mnist ffmpeg libavcodec-dev libavformat-dev libavutil-dev libswscale-dev
              python3-nbformat chromium)
# unar unpacks the RAR archives UCF-101 and HMDB51 ship in (data-prep video).
apt_packages+=(unar)
# python3-torch (PyTorch 1.13, CPU) runs tests/Benchmarks/KdStep/reference.py, the PyTorch side of the KD-step benchmark.
apt_packages+=(python3-torch)
# A real Jupyter client: `jupyter nbconvert --execute` runs the notebooks in the .NET Interactive kernel (environment/jupyter-check.sh).
# iproute2's ss lists the sockets the kernel listens on (all must be loopback).
apt_packages+=(jupyter-nbconvert python3-nbclient python3-jupyter-client iproute2)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"; else sudo=none; fi
  if [ "$sudo" = none ]; then
    echo "setup: missing apt packages: ${missing[*]}" >&2
    echo "setup: install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null; then
  echo "setup: the .NET 10 SDK is missing. On Debian 12:" >&2
  echo "  wget https://packages.microsoft.com/config/debian/12/packages-microsoft-prod.deb && sudo dpkg -i packages-microsoft-prod.deb" >&2
  echo "  sudo apt-get update && sudo apt-get install -y dotnet-sdk-10.0" >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# The .NET Interactive kernel that VS Code and Jupyter run the notebooks in, pinned, registered for Jupyter as `.net-csharp`.
# `dotnet interactive jupyter install` writes --http-port-range into the kernelspec, and with or without it the kernel opens
# an HTTP listener (port 2048) on every network interface; this kernelspec leaves the range out and passes
# --http-local-only, which binds that listener to loopback (127.0.0.1) like the kernel's ZeroMQ sockets.
# environment/jupyter-check.sh checks that every socket the kernel listens on is a loopback one.
interactive_version=1.0.712001
interactive="$HOME/.dotnet/tools/dotnet-interactive"
if [ ! -x "$interactive" ] || ! "$interactive" --version 2>/dev/null | grep -q "^$interactive_version"; then
  echo "setup: installing the dotnet-interactive tool $interactive_version"
  dotnet tool uninstall -g Microsoft.dotnet-interactive >/dev/null 2>&1 || true
  dotnet tool install -g Microsoft.dotnet-interactive --version "$interactive_version" >/dev/null
fi
kernelspec="${JUPYTER_DATA_DIR:-$HOME/.local/share/jupyter}/kernels/.net-csharp"
mkdir -p "$kernelspec"
cat > "$kernelspec/kernel.json" <<JSON
{
  "argv": ["$interactive", "jupyter", "--default-kernel", "csharp", "--http-local-only", "{connection_file}"],
  "display_name": ".NET (C#)",
  "language": "C#",
  "metadata": {"vscode": {"extension_id": "ms-dotnettools.dotnet-interactive-vscode", "kernel_id": "dotnet-interactive"}}
}
JSON
dotnet build "$root/Notebooks.sln" -c Release -nologo -clp:ErrorsOnly
# Scripts that source this one after another did (test.sh -> jupyter-check.sh) skip the second round.
export DISTILL_SETUP_DONE=1
