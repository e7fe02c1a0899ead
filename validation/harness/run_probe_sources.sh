#!/bin/bash
# Where each attention kernel's DRAM reads come from. L2 sectors by the
# unit that sent them (SMs through tex, the other L2 partition through ltcfabric) and whether they
# hit, L2 fills from DRAM, and local-memory (spill) traffic, on the causal prefills where
# FlashAttention-2 reads more than cuDNN (probe_evict_hints.py --cases). Writes
# $OUT/sources-metrics.txt (the metrics this ncu knows that matched), $OUT/probe_sources.csv and
# $OUT/probe_sources_cases.jsonl. Usage: OUT=dir bash run_probe_sources.sh
set -u
H=$(cd "$(dirname "$0")" && pwd)
O=${OUT:?}
ncu --query-metrics --chip gh100 > "$O/all-metrics.txt" 2>&1
grep -E '^(lts__t_sectors_srcunit_(tex|ltcfabric)|lts__t_sectors_srcnode|lts__d_sectors_fill|lts__t_sectors_(op_read|op_write)_lookup|l1tex__t_sectors_pipe_lsu_mem_local|lts__t_sectors_aperture_device|ltcfabric)' "$O/all-metrics.txt" > "$O/sources-metrics.txt"
M=$(awk '{print $1}' "$O/sources-metrics.txt" | grep -E '^(lts__t_sectors_srcunit_(tex|ltcfabric)(_op_(read|write))?(_lookup_(hit|miss))?|lts__d_sectors_fill_(device|sysmem)|lts__t_sectors_(op_read|op_write)_lookup_(hit|miss)|l1tex__t_sectors_pipe_lsu_mem_local_op_(ld|st))$' | sed 's/$/.sum/' | paste -sd,)
echo "metrics: $M"
rm -f "$O/all-metrics.txt"
C="sdpa-flash:1:32:32:4096:causal;sdpa-cudnn:1:32:32:4096:causal;sdpa-flash:1:32:8:4096:causal;sdpa-cudnn:1:32:8:4096:causal"
C="$C;sdpa-flash:1:32:32:8192:causal;sdpa-cudnn:1:32:32:8192:causal;sdpa-flash:1:4:4:32768:causal;sdpa-cudnn:1:4:4:32768:causal"
C="$C;sdpa-flash:1:4:1:32768:causal;sdpa-cudnn:1:4:1:32768:causal;flex:1:4:1:32768:causal;flex:1:4:4:32768:causal"
C="$C;sdpa-flash:4:32:8:8192:causal;sdpa-flash:1:32:32:4096:none;sdpa-flash:1:1:1:65536:causal;sdpa-cudnn:1:1:1:65536:causal"
ncu --clock-control none --cache-control all --nvtx --nvtx-include "attnsim_probe/" \
  --metrics "${M:+$M,}lts__t_sectors.sum,dram__bytes_read.sum,dram__bytes_write.sum,gpu__time_duration.sum" \
  --csv --page raw --print-units base --log-file "$O/probe_sources.csv" \
  python3 "$H/probe_evict_hints.py" --cases "$C" --out "$O/probe_sources_cases.jsonl" > "$O/probe_sources.log" 2>&1
echo "exit $?; cases $(wc -l < "$O/probe_sources_cases.jsonl"); csv lines $(wc -l < "$O/probe_sources.csv")"
tail -5 "$O/probe_sources.log"
