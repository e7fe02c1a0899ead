#!/bin/bash
# Latency + energy sweep over every case in cases.py, preceded by the ceilings and followed by
# a second idle-power reading. Usage: OUT=dir bash run_latency.sh [DEADLINE_S] [extra measure.py args]
# Starts no case after DEADLINE_S seconds (default 540) so the whole command ends inside ~9.5 min.
set -u
export PYTHONUNBUFFERED=1
H=$(cd "$(dirname "$0")" && pwd)
O=${OUT:?}
DL=${1:-540}; shift || true
{ date -u; nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,clocks.max.sm,power.draw,power.limit,temperature.gpu,persistence_mode --format=csv
  nvidia-smi -q -d CLOCK,POWER,PERFORMANCE | head -90; } > "$O/log.txt" 2>&1
timeout $((DL + 40)) python3 "$H/measure.py" --mode ceilings,latency-energy,idle-end \
  --ceilings-out "$O/ceilings.jsonl" --env-out "$O/env.json" \
  --out "$O/le.jsonl" --diag "$O/le-diag.jsonl" --errors "$O/le-errors.jsonl" \
  --deadline-s "$DL" "$@" 2>&1 | tee -a "$O/log.txt" | grep -E "ms,|ERROR|ceiling|took|done|env" | cut -c1-210
echo "== exit ${PIPESTATUS[0]}; cases ok: $(wc -l < "$O/le.jsonl"), errors: $(wc -l < "$O/le-errors.jsonl" 2>/dev/null)"
