#!/bin/bash
# A/B of the joint step alone (issue 18: the bundle's page hashes), alternating: each run marks
# OUT's joint/build.json stale (its fingerprint), so `build` reuses every claimant and its
# cached segment and redoes only the joint step (the front matter's layout cache kept, as in a
# rebuild after one new screenshot). Wall time and user+sys of the build and its workers.
#   bash bench/joint_ab.sh DIR_A DIR_B CASE OUT_A OUT_B [RUNS] [build options, e.g. --max-mb 50]
# OUT_A/OUT_B: outputs of a full build of CASE by A and B (their segment caches differ).
set -u
A=$1 B=$2 CASE=$3 OUT_A=$4 OUT_B=$5 RUNS=${6:-2}
shift $(( $# < 6 ? $# : 6 ))
PY=${PYTHON:-$(cd "$(dirname "$0")/.." && pwd)/.venv/bin/python}
for i in $(seq "$RUNS"); do
  for v in A B; do
    dir=${!v}; out_var=OUT_$v; out=${!out_var}
    "$PY" - "$out/joint/build.json" <<'PY'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["fingerprint"] = "stale"
json.dump(d, open(p, "w"))
PY
    sync
    (cd "$dir" && /usr/bin/time -f "$v run$i wall=%e user=%U sys=%S maxrss_kb=%M" "$PY" -m cli build \
        "$CASE" --out "$out" --jobs 2 "$@" > /dev/null 2> "$out/.joint-ab.err"; tail -1 "$out/.joint-ab.err")
    uptime
  done
done
