#!/bin/bash
# Probe: where FlashAttention-2's DRAM writes beyond its compulsory bytes come from.
# One ncu pass over a few prefill cases with write-side metrics added: the sectors SMs write to
# L2, L2 write misses, and DRAM write sectors. Output packed into $OUT/probe.tgz.
# Usage: OUT=dir bash probe_writes.sh
set -u
H=$(cd "$(dirname "$0")" && pwd)
O=${OUT:?}
D="$O/p"; mkdir -p "$D"
M=dram__bytes_read.sum,dram__bytes_write.sum,lts__t_bytes.sum,lts__t_sectors_srcunit_tex_op_write.sum,lts__t_sectors_srcunit_tex_op_read.sum,lts__t_sectors_op_write_lookup_miss.sum,lts__t_sectors_op_write_lookup_hit.sum,dram__sectors_write.sum,gpu__time_duration.sum,launch__grid_size
timeout --signal=INT --kill-after=20 200 ncu --clock-control none --cache-control all \
  --profile-from-start off --target-processes application-only --metrics "$M" -f -o "$D/probe" \
  python3 "$H/measure.py" --mode ncu-target --tag P --out "$D/cases.jsonl" --all-cases \
  --kernels sdpa-flash,sdpa-cudnn,sdpa-efficient \
  --only 'b4-h16-kv16-q8192-k8192-d64/causal$' --only 'b1-h32-kv8-q8192-k8192-d128/causal$' > "$D/log.txt" 2>&1
echo "ncu exit $?"
ncu --import "$D/probe.ncu-rep" --csv --page raw --print-units base --print-kernel-base function > "$D/probe.csv" 2>"$D/import.err"
rm -f "$D/probe.ncu-rep"
wc -l "$D/probe.csv"
tar czf "$O/probe.tgz" -C "$O" p && rm -rf "$D"
ls -la "$O"
