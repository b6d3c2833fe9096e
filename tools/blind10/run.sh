#!/bin/sh
# Blind test 10: generate the XML exchange packages, suggest, dry-run, analyse and import them with each mapping,
# and score the findings with tools/blind5/score.py through tools/blind_shared/run_mapping.sh (called, not copied).
# Usage (from the worktree): [SEED=N] sh tools/blind10/run.sh [WORKDIR]   (default /tmp/blind10/run, seed 10;
# nothing written in the tree)
set -u
W=${1:-/tmp/blind10/run}
T=$(cd "$(dirname "$0")" && pwd)
export PYTHONPATH="$T/../../src${PYTHONPATH:+:$PYTHONPATH}"
rm -rf "$W" && mkdir -p "$W/log"
python "$T/blind_export.py" --out "$W" --seed "${SEED:-10}"
PKGS=$(cd "$W/export" && ls GDSJ_*.xml HWJL_*.xml)
( cd "$W/export" && python -m rexian mapping suggest $PKGS --out "$W/suggest_xml.yaml" > "$W/log/suggest_xml.txt" 2>&1 )
echo "mapping suggest (the XML packages): exit $? ($(grep -c '^# 未找到' "$W/log/suggest_xml.txt") fields not found)"
# one run: LABEL MAPPING DIR INPUTS… — check, analyze --mapping, import + analyze --db, both scored
run_mapping() {  # LABEL MAPPING DIR INPUTS…: the shared run (tools/blind_shared/run_mapping.sh)
  sh "$T/../blind_shared/run_mapping.sh" "$W" "$@"
}
# A: the packages as delivered, with the mapping written blind from the docs
run_mapping direct "$T/mappings/xml_direct.yaml" "$W/export" $PKGS
# C (phase 2): the packages as delivered, read through `xml:` — the mapping suggest's draft with `source` filled in
run_mapping suggested "$T/mappings/xml_suggested.yaml" "$W/export" $PKGS
# D (phase 2): the draft this run's suggest makes, `source` filled in (the same for any seed)
sed 's/^source: .*/source: yunzhou12345/' "$W/suggest_xml.yaml" > "$W/draft_xml.yaml"
run_mapping draft "$W/draft_xml.yaml" "$W/export" $PKGS
# B: the phase-1 user-side workaround: the packages flattened by a short script into four CSV files
python "$T/flatten_xml.py" "$W/flat" $(for p in $PKGS; do echo "$W/export/$p"; done)
run_mapping flat "$T/mappings/xml_flat.yaml" "$W/flat" 流转.csv 工单.csv 回访.csv 话务.csv
for f in "$W"/score_*.md; do echo "$(basename "$f" .md): $(grep -A2 '^| expected' "$f" | tail -1)"; done
