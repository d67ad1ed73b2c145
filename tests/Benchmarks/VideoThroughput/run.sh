#!/usr/bin/env bash
# Encodes a CoViAR-style test video (MPEG-4 Part 2, 340x256, -q:v 1, GOP 12, no B-frames) unless one is given,
# builds the benchmark in Release and prints extraction frames/s against `ffmpeg -i VIDEO -f null -`.
# usage: tests/Benchmarks/VideoThroughput/run.sh [VIDEO] [--threads N] [--repeats N]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
video=${1:-}
if [ -z "$video" ] || [[ "$video" == --* ]]; then
  video=$(mktemp -d)/testsrc2-340x256-600f.avi
  ffmpeg -v error -y -f lavfi -i "testsrc2=size=340x256:rate=25:duration=24" \
    -c:v mpeg4 -q:v 1 -g 12 -bf 0 -sc_threshold 1000000000 -pix_fmt yuv420p "$video"
else
  shift
fi
dotnet build "$here/VideoThroughput.csproj" -c Release -nologo -clp:ErrorsOnly -p:UseSharedCompilation=false >&2
dotnet "$here/bin/Release/net10.0/video-throughput.dll" "$video" "$@"
