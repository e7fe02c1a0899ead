#!/bin/bash
# Session-2 fourth device call: latency + energy and ncu bytes for the tiny SDPA and flex calls
# (cases.py: sdpa_tiny_prefill, sdpa_tiny_decode, flex_tiny_workloads), every new case only (ids already in the
# shipped files are skipped). Everything is packed into $OUT/session2c.tgz (the device tool
# returns at most 8 files per call). Usage: OUT=dir bash run_session2c.sh
set -u
export PYTHONUNBUFFERED=1
H=$(cd "$(dirname "$0")" && pwd)
O=${OUT:?}
DATA="$H/../data/h200-sxm"
R=()
for f in "$DATA"/sdpa-*.jsonl "$DATA"/flex.jsonl; do R+=(--resume "$f"); done
mkdir -p "$O/s/le" "$O/s/ncu"
OUT="$O/s/le" bash "$H/run_latency.sh" 300 --kernels sdpa-flash,sdpa-cudnn,sdpa-efficient,flex "${R[@]}" | tail -4
{ date -u; ncu --version; } > "$O/s/ncu/log.txt" 2>&1
bash "$H/ncu_chunk.sh" "$O/s/ncu" H 200 --all-cases --kernels sdpa-flash,sdpa-cudnn,sdpa-efficient,flex "${R[@]}" >> "$O/s/ncu/log.txt" 2>&1
rm -f "$O"/s/*/*.ncu-rep
grep -hE "exit|csv lines|no report|import failed" "$O"/s/ncu/log.txt | cut -c1-200
tar czf "$O/session2c.tgz" -C "$O/s" . && rm -rf "$O/s"
ls -la "$O"
