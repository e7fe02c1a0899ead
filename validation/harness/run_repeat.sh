#!/bin/bash
# A second Nsight Compute pass over prefill cases measured before (same method as ncu_chunk.sh),
# for the run-to-run spread of DRAM and L2 bytes; its files are packed into DIR.tgz.
# Usage: bash run_repeat.sh DIR
set -u
H=$(cd "$(dirname "$0")" && pwd)
D=$1
mkdir -p "$D"
bash "$H/ncu_chunk.sh" "$D" R 110 --all-cases --kernels sdpa-flash,sdpa-cudnn,sdpa-efficient,flex \
  --only 'b1-h32-kv8-q(4096|16384|32768)-k[0-9]+-d128/(causal|none)$' \
  --only 'b1-h32-kv32-q(4096|16384)-k[0-9]+-d128/causal$' \
  --only 'b16-h32-kv32-q512-k512-d128/causal$' --only 'b4-h16-kv16-q8192-k8192-d64/causal$' \
  --only 'b2-h8-kv8-q4096-k4096-d256/none$' --only 'b1-h8-kv8-q512-k512-d128/causal$' > "$D/log.txt" 2>&1
rm -f "$D"/*.ncu-rep
grep -E "exit|csv lines|no report|import failed" "$D/log.txt" | cut -c1-200
tar czf "$D.tgz" -C "$(dirname "$D")" "$(basename "$D")" && rm -rf "$D"
ls -la "$D.tgz"
