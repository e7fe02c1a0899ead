#!/bin/bash
# Tiny SDPA and flex calls (cases.py: sdpa_tiny_prefill, sdpa_tiny_decode, flex_tiny_workloads),
# new cases only, packed into $OUT/tiny-calls.tgz.
# Usage: OUT=dir bash run_tiny_calls.sh
exec bash "$(dirname "$0")/run_new_cases.sh" sdpa-flash,sdpa-cudnn,sdpa-efficient,flex H tiny-calls
