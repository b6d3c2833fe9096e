#!/bin/sh
# Blind test 8: generate the open-API export, suggest, dry-run, analyse and import it with each mapping, and score the
# findings with tools/blind5/score.py (called, not copied).
# Usage (from the worktree): [SEED=N] sh tools/blind8/run.sh [WORKDIR]   (default /tmp/blind8, seed 7; nothing
# written in the tree)
set -u
W=${1:-/tmp/blind8}
T=$(cd "$(dirname "$0")" && pwd)
export PYTHONPATH="$T/../../src${PYTHONPATH:+:$PYTHONPATH}"
rm -rf "$W" && mkdir -p "$W/log"
python "$T/blind_export.py" --out "$W" --seed "${SEED:-7}"
PAGES=$(cd "$W/export" && ls page_*.json)
( cd "$W/export" && python -m rexian mapping suggest $PAGES callRecords.jsonl --out "$W/suggest_api.yaml" \
    > "$W/log/suggest_api.txt" 2>&1 )
echo "mapping suggest (the API pages + call records): exit $? ($(grep -c '^# 未找到' "$W/log/suggest_api.txt") fields not found)"
# one run: LABEL MAPPING DIR INPUTS… — check, analyze --mapping, import + analyze --db, both scored
run_mapping() {  # LABEL MAPPING DIR INPUTS…: the shared run (tools/blind_shared/run_mapping.sh)
  sh "$T/../blind_shared/run_mapping.sh" "$W" "$@"
}
# A: the API pages as delivered, read as JSON (the docs' only JSON input: JSON Lines)
run_mapping direct "$T/mappings/api_direct.yaml" "$W/export" $PAGES callRecords.jsonl
# B: the phase-1 user-side workaround: the pages flattened by a short script into a ticket file and a step file
python "$T/flatten_api.py" "$W/flat" $(cd "$W/export" && for p in $PAGES; do echo "$W/export/$p"; done)
cp "$W/export/callRecords.jsonl" "$W/flat/"
( cd "$W/flat" && python -m rexian mapping suggest 工单.csv 流转.csv callRecords.jsonl --out "$W/suggest_flat.yaml" \
    > "$W/log/suggest_flat.txt" 2>&1 )
run_mapping flat "$T/mappings/api_flat.yaml" "$W/flat" 工单.csv 流转.csv callRecords.jsonl
# D (phase 2): the API pages read as they come, through `json: {records, rows}`, sections per nested array
run_mapping json "$T/mappings/api_json.yaml" "$W/export" $PAGES callRecords.jsonl
# E (phase 2): `mapping suggest`'s draft of the pages as delivered, with the edits its notes ask for (complete_draft.py)
( cd "$W/export" && python -m rexian mapping suggest $PAGES callRecords.jsonl --out "$W/suggest_api.yaml" \
    > "$W/log/suggest_api.txt" 2>&1 )
python "$T/complete_draft.py" "$W/suggest_api.yaml" "$W/draft_api.yaml"
run_mapping draft_api "$W/draft_api.yaml" "$W/export" $PAGES callRecords.jsonl
# C: the draft `mapping suggest` made of the flattened files, used as it comes (only `source` filled in)
sed 's/^source: .*/source: yunzhou_draft/' "$W/suggest_flat.yaml" > "$W/draft_flat.yaml"
run_mapping draft_flat "$W/draft_flat.yaml" "$W/flat" 工单.csv 流转.csv callRecords.jsonl
for f in "$W"/score_*.md; do
  echo "$(basename "$f" .md): $(grep -A2 '^| expected' "$f" | sed -n 3p)$(grep -h '^no findings' "$f")"
done
