#!/bin/sh
# Blind test 12: generate the wide 工单全流程信息 "Excel" (an HTML table saved as .xls, GBK, numbered column groups per
# kind of step) and the call records (HTML .xls, UTF-8), suggest, dry-run, analyse and import them with each mapping,
# scored through tools/blind_shared/run_mapping.sh (tools/blind5/score.py).
# Usage (from the worktree): [SEED=N] [HEADERS=ordinal] sh tools/blind12/run.sh [WORKDIR]   (default /tmp/blind12/run,
# seed 10, headers 派单时间1; HEADERS=ordinal writes 第1次派单时间 — read by the wide mappings, which name stems; the
# tickets and flat runs then fail, as their column names carry the number; nothing written in the tree)
set -u
W=${1:-/tmp/blind12/run}
T=$(cd "$(dirname "$0")" && pwd)
export PYTHONPATH="$T/../../src${PYTHONPATH:+:$PYTHONPATH}"
rm -rf "$W" && mkdir -p "$W/log" "$W/flat"
python "$T/blind_export.py" --out "$W" --seed "${SEED:-10}" --headers "${HEADERS:-suffix}"
WIDE=工单全流程信息_云州市_2026Q1.xls
CALLS=话务明细_2026Q1.xls
( cd "$W/export" && python -m rexian mapping suggest $WIDE $CALLS --out "$W/suggest.yaml" > "$W/log/suggest.txt" 2>&1 )
echo "mapping suggest: exit $? ($(grep -c '^# 未找到' "$W/log/suggest.txt") fields not found)"
run_mapping() {  # LABEL MAPPING DIR INPUTS…
  sh "$T/../blind_shared/run_mapping.sh" "$W" "$@"
}
# A: the docs' only way for one row per ticket (mode: tickets), written from the docs and suggest's ticket_sheet
run_mapping tickets "$T/mappings/tickets_docs.yaml" "$W/export" $WIDE
# C: the user's own unpivot script, then suggest's draft on its output + 3 edits
python "$T/flatten_wide.py" "$W/export/$WIDE" "$W/flat/流转记录.csv" > "$W/log/flatten.txt" 2>&1
cp "$W/export/$CALLS" "$W/flat/"
run_mapping flat "$T/mappings/flat_edited.yaml" "$W/flat" 流转记录.csv 流转记录_工单.csv $CALLS
# B (phase 2, when it exists): the wide export read directly, with the draft of this run's suggest
if [ -f "$T/mappings/wide_docs.yaml" ]; then
  run_mapping wide "$T/mappings/wide_docs.yaml" "$W/export" $WIDE $CALLS
  sed 's/^source: .*/source: yunzhou12345/' "$W/suggest.yaml" > "$W/draft.yaml"
  run_mapping draft "$W/draft.yaml" "$W/export" $WIDE $CALLS
fi
for f in "$W"/score_*.md; do echo "$(basename "$f" .md): $(grep -A2 '^| expected' "$f" | tail -1)"; done
