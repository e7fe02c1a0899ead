#!/bin/bash
# The SDPA head-count and decode-unit series (cases.py: sdpa_more_prefill, sdpa_more_decode):
# MHA causal prefills at 4-64 heads, small launch-bound prefills, decodes with few
# (batch x heads) units; new cases only, packed into $OUT/sdpa-heads-units.tgz.
# Usage: OUT=dir bash run_sdpa_heads_units.sh
exec bash "$(dirname "$0")/run_new_cases.sh" sdpa-flash,sdpa-cudnn,sdpa-efficient G sdpa-heads-units
