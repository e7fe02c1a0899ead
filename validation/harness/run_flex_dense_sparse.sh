#!/bin/bash
# Latency + energy and ncu bytes for the flex dense-beside-sparse series
# (cases.py, flex_more_workloads), then a repeat ncu pass over prefill cases measured before,
# for the run-to-run spread of DRAM and L2 bytes (run_repeat.sh). Usage: OUT=dir bash run_flex_dense_sparse.sh
# (The device tool returns at most 8 files per call: the repeat pass packs its own into one.)
set -u
export PYTHONUNBUFFERED=1
H=$(cd "$(dirname "$0")" && pwd)
O=${OUT:?}
DATA="$H/../data/h200-sxm"
mkdir -p "$O/le" "$O/ncu" "$O/repeat"
OUT="$O/le" bash "$H/run_latency.sh" 270 --kernels flex --resume "$DATA/flex.jsonl" | tail -5
{ date -u; ncu --version; } > "$O/ncu/log.txt" 2>&1
bash "$H/ncu_chunk.sh" "$O/ncu" F 150 --all-cases --kernels flex --resume "$DATA/flex.jsonl" >> "$O/ncu/log.txt" 2>&1
bash "$H/run_repeat.sh" "$O/repeat"
rm -f "$O"/*/*.ncu-rep
grep -hE "exit|csv lines|no report|import failed" "$O"/ncu/log.txt "$O"/repeat/log.txt | cut -c1-200
ls -la "$O"/*
