#!/bin/sh
# Blind test 11: generate the 工单流转明细 workbook (flow in one cell, steps run on with 「；」, a two-row merged
# header, Excel serial dates) and the GBK call records, suggest, dry-run, analyse and import them with each mapping,
# scored through tools/blind_shared/run_mapping.sh (tools/blind5/score.py).
# Usage (from the worktree): [SEED=N] sh tools/blind11/run.sh [WORKDIR]   (default /tmp/blind11/run, seed 10;
# nothing written in the tree)
set -u
W=${1:-/tmp/blind11/run}
T=$(cd "$(dirname "$0")" && pwd)
export PYTHONPATH="$T/../../src${PYTHONPATH:+:$PYTHONPATH}"
rm -rf "$W" && mkdir -p "$W/log"
python "$T/blind_export.py" --out "$W" --seed "${SEED:-10}"
FILES="工单流转明细_云州市_2026Q1.xlsx 话务记录_2026Q1.csv"
( cd "$W/export" && python -m rexian mapping suggest $FILES --out "$W/suggest.yaml" > "$W/log/suggest.txt" 2>&1 )
echo "mapping suggest: exit $? ($(grep -c '^# 未找到' "$W/log/suggest.txt") fields not found)"
run_mapping() {  # LABEL MAPPING DIR INPUTS…
  sh "$T/../blind_shared/run_mapping.sh" "$W" "$@"
}
# A: written from docs/importing.md alone (a person reading 「A flow history in one cell」)
run_mapping docs "$T/mappings/history_docs.yaml" "$W/export" $FILES
# B: the draft this run's suggest makes, `source` filled in, nothing else
sed 's/^source: .*/source: yunzhou12345/' "$W/suggest.yaml" > "$W/draft.yaml"
run_mapping draft "$W/draft.yaml" "$W/export" $FILES
# C: the draft with the edits a reader of the draft and of 数据项说明.txt makes (mappings/history_edited.yaml)
run_mapping edited "$T/mappings/history_edited.yaml" "$W/export" $FILES
for f in "$W"/score_*.md; do echo "$(basename "$f" .md): $(grep -A2 '^| expected' "$f" | tail -1)"; done
