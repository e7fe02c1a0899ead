#!/bin/bash
# The GQA head-order series (cases.py: GQA_ORDER) for FlashAttention-2, cuDNN and flex, new
# cases only, packed into $OUT/gqa-order.tgz.
# Usage: OUT=dir bash run_gqa_order.sh
exec bash "$(dirname "$0")/run_new_cases.sh" sdpa-flash,sdpa-cudnn,flex J gqa-order
