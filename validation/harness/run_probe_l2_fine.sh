#!/bin/bash
# The L2 probe (probe_l2.py) on a finer grid around the L2's edge
# (hot 8-44 MB, streams 0-32 MB in 4 MB steps), twice, to pin the capacity and see how much it
# moves from one pass to the next. Writes $OUT/pass1 and $OUT/pass2 as run_probe_l2.sh does.
# Usage: OUT=dir bash run_probe_l2_fine.sh
set -u
H=$(cd "$(dirname "$0")" && pwd)
for pass in pass1 pass2; do
  mkdir -p "$OUT/$pass"
  ncu --clock-control none --cache-control none --kernel-name regex:probe_hot_reread \
    --metrics dram__bytes_read.sum,dram__bytes_write.sum,lts__t_bytes.sum,gpu__time_duration.sum \
    --csv --page raw --print-units base --log-file "$OUT/$pass/probe_l2.csv" \
    python3 "$H/probe_l2.py" --out "$OUT/$pass/probe_l2_cases.jsonl" \
      --hot-mb 8,16,24,32,36,40,44 --stream-mb 0,4,8,12,16,20,24,28,32 > "$OUT/$pass/probe_l2.log" 2>&1
  echo "$pass exit $?; cases $(wc -l < "$OUT/$pass/probe_l2_cases.jsonl")"
done
