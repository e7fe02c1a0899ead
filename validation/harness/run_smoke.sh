#!/bin/bash
# Smoke run: versions, backend probe, a few cases of each kind through latency+energy,
# the ceilings, and ncu on a handful of cases. Usage: OUT=dir bash run_smoke.sh
set -u
export PYTHONUNBUFFERED=1
H=$(cd "$(dirname "$0")" && pwd)
O=${OUT:?}
{
  date -u; uname -r; nvidia-smi; nvidia-smi -q -d CLOCK,POWER,PERFORMANCE | head -120
  ncu --version; python3 -c "import torch,triton;print(torch.__version__,torch.version.cuda,torch.backends.cudnn.version(),triton.__version__)"
} > "$O/log.txt" 2>&1
head -30 "$O/log.txt"
timeout 125 python3 "$H/measure.py" --mode probe,ceilings,latency-energy,probe-flex \
  --probe-out "$O/probe.jsonl" --ceilings-out "$O/ceilings.jsonl" \
  --out "$O/le.jsonl" --diag "$O/le-diag.jsonl" --errors "$O/le-errors.jsonl" \
  --only 'sdpa-(flash|cudnn|efficient)/b1-h32-kv8-q4096-k4096-d128/causal' \
  --only 'sdpa-(flash|cudnn|efficient)/b1-h32-kv8-q1-k4096-d128/none' \
  --only 'sdpa-math/b1-h8-kv8-q1024-k1024-d128/causal' \
  --only 'flex/b1-h32-kv8-q4096-k4096-d128/(causal|block128-density0.25|window1024)$' \
  --only 'sdpa-flash/b1-h8-kv8-q131072-k131072-d128/causal' 2>&1 | tee -a "$O/log.txt" | grep -v Warning
echo "== ncu"
bash "$H/ncu_chunk.sh" "$O" smoke 70 --all-cases \
  --only 'sdpa-(flash|cudnn|efficient)/b1-h32-kv8-q4096-k4096-d128/causal' \
  --only 'sdpa-(flash|cudnn)/b1-h32-kv8-q1-k4096-d128/none' \
  --only 'sdpa-math/b1-h8-kv8-q1024-k1024-d128/causal' \
  --only 'flex/b1-h32-kv8-q4096-k4096-d128/block128-density0.25$' >> "$O/log.txt" 2>&1

rm -f "$O"/*.ncu-rep   # keep <= 8 files; the CSV holds what merge.py needs
ls -la "$O"
echo "== summary"
grep -E "probe |ERROR|ceiling|ms,|took|ncu .* ok|csv lines|no report|exit" "$O/log.txt" | cut -c1-230
