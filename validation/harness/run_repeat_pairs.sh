#!/bin/bash
# Every case that has a pair (the same workload measured with another
# kernel; pair-cases.txt, 260 ids) measured again with Nsight Compute, twice (tags S and T, the
# method of ncu_chunk.sh), for the run-to-run spread of DRAM bytes behind the pair ordering.
# Usage: OUT=dir bash run_repeat_pairs.sh
set -u
H=$(cd "$(dirname "$0")" && pwd)
O=${OUT:?}
for T in S T; do
  bash "$H/ncu_chunk.sh" "$O" "$T" 275 --all-cases --ids-file "$H/pair-cases.txt" --deadline-s 250 >> "$O/log.txt" 2>&1
done
rm -f "$O"/*.ncu-rep
grep -E "== ncu|csv lines|no report|import failed" "$O/log.txt" | cut -c1-200
grep -c '"ok": true' "$O/ncu-cases.jsonl"
