#!/bin/bash
# L2 sectors by eviction hint per attention kernel (probe_evict_hints.py).
# Writes $OUT/hints-metrics.txt (the eviction metrics this ncu knows), $OUT/probe_hints.csv and
# $OUT/probe_hints_cases.jsonl. Usage: OUT=dir bash run_probe_hints.sh
set -u
H=$(cd "$(dirname "$0")" && pwd)
O=${OUT:?}
ncu --query-metrics --chip gh100 > "$O/all-metrics.txt" 2>&1
grep -i 'evict' "$O/all-metrics.txt" > "$O/hints-metrics.txt"
M=$(awk '/^lts__t_sectors[a-z_]*evict/ {print $1".sum"}' "$O/hints-metrics.txt" | paste -sd,)
echo "metrics: $M"
rm -f "$O/all-metrics.txt"
ncu --clock-control none --cache-control all --nvtx --nvtx-include "attnsim_probe/" \
  --metrics "${M:+$M,}lts__t_sectors.sum,lts__t_sectors_op_read.sum,lts__t_sectors_op_write.sum,dram__bytes_read.sum,dram__bytes_write.sum" \
  --csv --page raw --print-units base --log-file "$O/probe_hints.csv" \
  python3 "$H/probe_evict_hints.py" --out "$O/probe_hints_cases.jsonl" > "$O/probe_hints.log" 2>&1
echo "exit $?; cases $(wc -l < "$O/probe_hints_cases.jsonl"); csv lines $(wc -l < "$O/probe_hints.csv")"
tail -5 "$O/probe_hints.log"
