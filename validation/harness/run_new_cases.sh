#!/bin/bash
# Latency + energy and ncu bytes for every case of cases.py not yet in the shipped files, for the
# given kernels; everything is packed into $OUT/NAME.tgz (the device tool returns at most 8
# files per call). Usage: OUT=dir bash run_new_cases.sh KERNELS NCU_TAG NAME
set -u
export PYTHONUNBUFFERED=1
H=$(cd "$(dirname "$0")" && pwd)
O=${OUT:?}
KERNELS=$1; TAG=$2; NAME=$3
DATA="$H/../data/h200-sxm"
R=()
for f in "$DATA"/sdpa-*.jsonl "$DATA"/flex.jsonl; do R+=(--resume "$f"); done
mkdir -p "$O/s/le" "$O/s/ncu"
OUT="$O/s/le" bash "$H/run_latency.sh" 300 --kernels "$KERNELS" "${R[@]}" | tail -4
{ date -u; ncu --version; } > "$O/s/ncu/log.txt" 2>&1
bash "$H/ncu_chunk.sh" "$O/s/ncu" "$TAG" 200 --all-cases --kernels "$KERNELS" "${R[@]}" >> "$O/s/ncu/log.txt" 2>&1
rm -f "$O"/s/*/*.ncu-rep
grep -hE "exit|csv lines|no report|import failed" "$O"/s/ncu/log.txt | cut -c1-200
tar czf "$O/$NAME.tgz" -C "$O/s" . && rm -rf "$O/s"
ls -la "$O"
