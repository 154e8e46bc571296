#!/usr/bin/env bash
# Micro-benchmarks of SMTPKit's hot paths (Benchmarks/, ordo-one/benchmark): the reply parser,
# the DATA encoder, base64 for attachments and composing a letter — wall time, instructions and
# mallocs per operation. A package of its own, so SMTPKit's build and tests never build it.
#
#   Scripts/bench-micro.sh                 run every benchmark
#   Scripts/bench-micro.sh --filter DATA   arguments go to `swift package benchmark`
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$SCRIPT_DIR/../Benchmarks"
swift package --allow-writing-to-package-directory benchmark "$@"
