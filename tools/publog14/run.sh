#!/bin/sh
# Public event logs (issue 14): generate the miniatures, count independently, map them (phase 1: from the docs;
# phase 2: the shipped docs/mappings/ and `mapping suggest`'s draft with the action words filled in), analyse and
# compare case by case. Usage (from the worktree): [SEED=N] sh tools/publog14/run.sh [WORKDIR]  (default
# /tmp/publog14/run, seed 14; nothing written in the tree). Prints one table row per run; details in WORKDIR/*.txt.
set -u
W=${1:-/tmp/publog14/run}
T=$(cd "$(dirname "$0")" && pwd)
D="$T/../../docs/mappings"
export PYTHONPATH="$T/../../src${PYTHONPATH:+:$PYTHONPATH}"
rm -rf "$W" && mkdir -p "$W/out"
python "$T/generate.py" --out "$W" --seed "${SEED:-14}" > /dev/null
python "$T/count.py" "$W" > "$W/count.txt"
B13=bpic13/BPI_Challenge_2013_incidents.xes.gz
B14="bpic14/Detail_Incident_Activity.csv bpic14/Detail_Incident.csv"
LC=lifecycle/permits.xes
echo "| run | expected | met | right person | no person | wrong person | unexpected | near-miss cases | near-miss alarms |"
echo "|---|---|---|---|---|---|---|---|---|"
run() {  # LABEL FORMAT MAPPING INPUTS…
  label=$1 fmt=$2 mapping=$3; shift 3
  ( cd "$W" && python -m rexian analyze --mapping "$mapping" "$@" --out "$W/out/$label" > "$W/out/$label.log" 2>&1 )
  if [ -f "$W/out/$label/findings.jsonl" ]; then
    python "$T/compare.py" "$W/$fmt/expected.csv" "$W/$fmt/planted.csv" "$W/out/$label/findings.jsonl" \
      --label "$label" > "$W/$label.txt"
  else
    echo "| $label | analyze failed: $(tail -1 "$W/out/$label.log") |" > "$W/$label.txt"
  fi
  head -1 "$W/$label.txt"
}
draft() {  # LABEL FORMAT SOURCE INPUTS…
  label=$1 fmt=$2 source=$3; shift 3
  ( cd "$W" && python -m rexian mapping suggest "$@" --out "$W/$label.suggest.yaml" > "$W/$label.suggest.txt" 2>&1 )
  python "$T/draft_edits.py" "$W/$label.suggest.yaml" "$W/$label.yaml" "$source"
  run "$label" "$fmt" "$W/$label.yaml" "$@"
}
run bpic13-phase1-flow bpic13 "$T/mappings/bpic13_flowstatus_docs.yaml" $B13
run bpic13-phase1-snapshots bpic13 "$T/mappings/bpic13_snapshots_docs.yaml" $B13
run bpic13-docs-mapping bpic13 "$D/bpic2013_incidents.yaml" $B13
draft bpic13-suggest-draft bpic13 bpic13 $B13
run bpic14-phase1 bpic14 "$T/mappings/bpic14_docs.yaml" $B14
run bpic14-docs-mapping bpic14 "$D/bpic2014_incident_activity.yaml" $B14
draft bpic14-suggest-draft bpic14 bpic14 $B14
run lifecycle-phase1 lifecycle "$T/mappings/lifecycle_docs.yaml" $LC
run lifecycle-docs-mapping lifecycle "$D/xes_lifecycle_groups.yaml" $LC
draft lifecycle-suggest-draft lifecycle permits $LC
