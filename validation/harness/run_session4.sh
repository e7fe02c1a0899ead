#!/bin/bash
# Session-4 device call: the GQA head-order series (cases.py: GQA_ORDER) for FlashAttention-2,
# cuDNN and flex, new cases only, packed into $OUT/session4.tgz.
# Usage: OUT=dir bash run_session4.sh
exec bash "$(dirname "$0")/run_new_cases.sh" sdpa-flash,sdpa-cudnn,flex J session4
