#!/bin/bash
# Session-2 third device call: the second SDPA series (cases.py: sdpa_more_prefill,
# sdpa_more_decode), new cases only, packed into $OUT/session2b.tgz. Usage: OUT=dir bash run_session2b.sh
exec bash "$(dirname "$0")/run_new_cases.sh" sdpa-flash,sdpa-cudnn,sdpa-efficient G session2b
