#!/bin/bash
# One Nsight Compute pass over a chunk of cases.
# usage: ncu_chunk.sh OUTDIR TAG TIMEOUT_S [measure.py selection args...]
# Writes OUTDIR/ncu-TAG.ncu-rep, OUTDIR/ncu-TAG.csv and appends to OUTDIR/ncu-cases.jsonl.
# Clocks are left alone (--clock-control none); caches are flushed between kernels
# (ncu's default --cache-control all); only the windows between cudaProfilerStart/Stop
# are profiled (one marker kernel + exactly one call per case).
set -u
OUTD=$1; TAG=$2; TO=$3; shift 3
H=$(cd "$(dirname "$0")" && pwd)
METRICS=dram__bytes_read.sum,dram__bytes_write.sum,lts__t_bytes.sum,gpu__time_duration.sum,launch__grid_size,launch__block_size,launch__registers_per_thread,launch__shared_mem_per_block_static,launch__shared_mem_per_block_dynamic
echo "== ncu chunk $TAG (timeout ${TO}s) $(date -u +%T)"
timeout --signal=INT --kill-after=20 "$TO" ncu --clock-control none --cache-control all \
  --profile-from-start off --target-processes application-only \
  --metrics "$METRICS" -f -o "$OUTD/ncu-$TAG" \
  python3 "$H/measure.py" --mode ncu-target --tag "$TAG" --out "$OUTD/ncu-cases.jsonl" "$@"
echo "== ncu chunk $TAG exit $? $(date -u +%T)"
if [ -f "$OUTD/ncu-$TAG.ncu-rep" ]; then
  ncu --import "$OUTD/ncu-$TAG.ncu-rep" --csv --page raw --print-units base \
      --print-kernel-base function > "$OUTD/ncu-$TAG.csv" 2>"$OUTD/ncu-$TAG.import.err" || \
      echo "import failed: $(head -c 600 "$OUTD/ncu-$TAG.import.err")"
  [ -s "$OUTD/ncu-$TAG.import.err" ] || rm -f "$OUTD/ncu-$TAG.import.err"
  echo "csv lines: $(wc -l < "$OUTD/ncu-$TAG.csv")"
else
  echo "no report for $TAG"
fi
