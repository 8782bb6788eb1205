#!/bin/sh
# Assembles the scan's SIMD cylinder loop (pipeline/stats/scan/cylinders.wat) into the committed
# cylinders.wasm. Needs wat2wasm from WABT (Debian: apt-get install wabt); only when the .wat changes.
set -eu
cd "$(dirname "$0")/../pipeline/stats/scan"
wat2wasm cylinders.wat -o cylinders.wasm
echo "wrote pipeline/stats/scan/cylinders.wasm ($(wc -c < cylinders.wasm) bytes)"
