#!/bin/bash
# The L2 replacement probe (probe_l2.py) under Nsight Compute; writes $OUT/probe_l2.csv
# (one row per profiled probe_hot_reread, in case order) and $OUT/probe_l2_cases.jsonl.
# Usage: OUT=dir bash run_probe_l2.sh
set -u
H=$(cd "$(dirname "$0")" && pwd)
O=${OUT:?}
ncu --clock-control none --cache-control none --kernel-name regex:probe_hot_reread \
  --metrics dram__bytes_read.sum,dram__bytes_write.sum,lts__t_bytes.sum,gpu__time_duration.sum \
  --csv --page raw --print-units base --log-file "$O/probe_l2.csv" \
  python3 "$H/probe_l2.py" --out "$O/probe_l2_cases.jsonl" > "$O/probe_l2.log" 2>&1
echo "exit $?; cases $(wc -l < "$O/probe_l2_cases.jsonl"); csv lines $(wc -l < "$O/probe_l2.csv")"
tail -3 "$O/probe_l2.log"
