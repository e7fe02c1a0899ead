#!/bin/bash
# Does reuse protect a line in the H200's L2? The L2 probe (probe_l2.py)
# with the hot buffer read 1, 2, 4 or 8 times before a read stream, around the edge. Writes
# $OUT/probe_l2.csv, $OUT/probe_l2_cases.jsonl and $OUT/probe_l2.log as run_probe_l2.sh does.
# Usage: OUT=dir bash run_probe_l2_reuse.sh
set -u
H=$(cd "$(dirname "$0")" && pwd)
O=${OUT:?}
mkdir -p "$O"
ncu --clock-control none --cache-control none --kernel-name regex:probe_hot_reread \
  --metrics dram__bytes_read.sum,dram__bytes_write.sum,lts__t_bytes.sum,gpu__time_duration.sum \
  --csv --page raw --print-units base --log-file "$O/probe_l2.csv" \
  python3 "$H/probe_l2.py" --out "$O/probe_l2_cases.jsonl" --streams read \
    --hot-reads 1,2,4,8 --hot-mb 16,24,32 --stream-mb 8,12,16,20,24 > "$O/probe_l2.log" 2>&1
echo "reuse exit $?; cases $(wc -l < "$O/probe_l2_cases.jsonl")"
