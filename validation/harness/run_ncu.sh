#!/bin/bash
# Nsight Compute bytes/launch pass over the ncu-flagged cases, in three chunks (a timeout loses
# one chunk only), then optionally a latency+energy pass over cases a previous sweep did not finish.
# Usage: OUT=dir bash run_ncu.sh [RESUME_JSONL [LE_DEADLINE_S]]
set -u
export PYTHONUNBUFFERED=1
H=$(cd "$(dirname "$0")" && pwd)
O=${OUT:?}
{ date -u; ncu --version; } > "$O/log.txt" 2>&1
bash "$H/ncu_chunk.sh" "$O" A 200 --kernels sdpa-flash,sdpa-cudnn >> "$O/log.txt" 2>&1
bash "$H/ncu_chunk.sh" "$O" B 150 --kernels sdpa-efficient,sdpa-math >> "$O/log.txt" 2>&1
bash "$H/ncu_chunk.sh" "$O" C 120 --kernels flex >> "$O/log.txt" 2>&1
rm -f "$O"/*.ncu-rep
grep -E "ncu .* ok|ERROR|exit|csv lines|no report|import failed" "$O/log.txt" | cut -c1-200
if [ -n "${1:-}" ] && [ -f "$1" ]; then
  echo "== latency-energy resume (skip ids in $1)"
  timeout $(( ${2:-120} + 40 )) python3 "$H/measure.py" --mode latency-energy --resume "$1" \
    --out "$O/le2.jsonl" --diag "$O/le2-diag.jsonl" --errors "$O/le2-errors.jsonl" \
    --deadline-s "${2:-120}" 2>&1 | tee -a "$O/log.txt" | grep -E "ms,|ERROR|took|done" | cut -c1-210
fi
ls -la "$O"
