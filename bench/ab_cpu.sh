#!/bin/bash
# A/B CPU time of a whole-case build between two checkouts, alternating, fresh output each run.
# On a shared machine wall time says little; user+sys of the build and its workers does.
#   bash bench/ab_cpu.sh DIR_A DIR_B CASE [RUNS]      (DIR_*: e.g. `git archive REV | tar -x -C DIR`)
set -u
A=$1 B=$2 CASE=$3 RUNS=${4:-2}
PY=${PYTHON:-$(cd "$(dirname "$0")/.." && pwd)/.venv/bin/python}
for i in $(seq "$RUNS"); do
  for v in A B; do
    dir=${!v}; out=$(mktemp -d)
    sync
    (cd "$dir" && /usr/bin/time -f "$v run$i wall=%e user=%U sys=%S" "$PY" -m cli build "$CASE" \
        --out "$out/out" --jobs 2 > /dev/null 2> "$out/err"; tail -1 "$out/err")
    uptime
    rm -rf "$out"
  done
done
