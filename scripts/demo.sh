#!/usr/bin/env bash
# The main job on the bundled sample case: generate 12 claimants, check them, build everything.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
dir=${1:-demo-case}
rm -rf "$dir"
.venv/bin/evidence sample "$dir" --victims 12 --seed 318
.venv/bin/evidence check "$dir" || [ $? -eq 3 ]   # 3 = some files rejected, as the sample intends
.venv/bin/evidence build "$dir" --out "$dir/out" || [ $? -eq 3 ]
echo "Outputs are in $dir/out (per-victim dossiers, joint/bundle.pdf, joint/claims.csv)."
