#!/bin/bash
# Session-2 fourth device call: tiny SDPA and flex calls (cases.py: sdpa_tiny_prefill,
# sdpa_tiny_decode, flex_tiny_workloads), new cases only, packed into $OUT/session2c.tgz.
# Usage: OUT=dir bash run_session2c.sh
exec bash "$(dirname "$0")/run_new_cases.sh" sdpa-flash,sdpa-cudnn,sdpa-efficient,flex H session2c
