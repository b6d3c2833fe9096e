#!/bin/sh
# Blind test 9: generate the workflow-engine (Activiti/Flowable) table dump, suggest, dry-run, analyse and import it
# with each mapping, and score the findings with tools/blind5/score.py (called, not copied).
# Usage (from the worktree): [SEED=N] sh tools/blind9/run.sh [WORKDIR]   (default /tmp/blind9, seed 7; nothing
# written in the tree)
set -u
W=${1:-/tmp/blind9}
T=$(cd "$(dirname "$0")" && pwd)
SCORE="$T/../blind5/score.py"
export PYTHONPATH="$T/../../src${PYTHONPATH:+:$PYTHONPATH}"
rm -rf "$W" && mkdir -p "$W/log"
python "$T/blind_export.py" --out "$W" --seed "${SEED:-7}"
ALL=$(cd "$W/export" && ls *.csv)
( cd "$W/export" && python -m rexian mapping suggest $ALL --out "$W/suggest_all.yaml" > "$W/log/suggest_all.txt" 2>&1 )
echo "mapping suggest (every table): exit $? ($(grep -c '^# 未找到' "$W/log/suggest_all.txt") fields not found)"
# one run: LABEL MAPPING DIR INPUTS… — check, analyze --mapping, import + analyze --db, both scored
run_mapping() {  # LABEL MAPPING DIR INPUTS…: the shared run (tools/blind_shared/run_mapping.sh)
  sh "$T/../blind_shared/run_mapping.sh" "$W" "$@"
  for how in an db; do
    if [ -f "$W/${how}_$1/findings.jsonl" ]; then
      # the same findings with process-instance ids translated to order numbers (a reading aid, not the score)
      python "$T/translate_ids.py" "$W/export/T_WORK_ORDER.csv" "$W/${how}_$1/findings.jsonl" > "$W/${how}_$1/findings_by_order.jsonl"
      python "$SCORE" "$W/expected.csv" "$W/${how}_$1/findings_by_order.jsonl" --label "$1 ($how, ids translated)" \
          > "$W/score_${how}_$1_translated.md"
    fi
  done
}
# A: the tables as delivered (task history as flow records, comments as an event sheet, business table as ticket sheet)
run_mapping direct "$T/mappings/activiti_direct.yaml" "$W/export" ACT_HI_TASKINST.csv ACT_HI_COMMENT.csv \
    T_WORK_ORDER.csv sys_dict_data.csv T_CALL_RECORD.csv
# B: the phase-1 user-side workaround: the engine's tables joined by a short script into a ticket file and a step file
python "$T/flatten_activiti.py" "$W/export" "$W/flat"
cp "$W/export/T_CALL_RECORD.csv" "$W/flat/"
( cd "$W/flat" && python -m rexian mapping suggest 工单.csv 流转.csv T_CALL_RECORD.csv --out "$W/suggest_flat.yaml" \
    > "$W/log/suggest_flat.txt" 2>&1 )
run_mapping flat "$T/mappings/activiti_flat.yaml" "$W/flat" 工单.csv 流转.csv T_CALL_RECORD.csv
# C (phase 2): the tables as delivered, read through `lookups` (ticket number, units, variables pivoted, comment steps)
run_mapping lookups "$T/mappings/activiti_lookups.yaml" "$W/export" ACT_HI_TASKINST.csv ACT_HI_COMMENT.csv \
    ACT_HI_PROCINST.csv ACT_HI_IDENTITYLINK.csv ACT_HI_ACTINST.csv ACT_HI_DETAIL.csv T_WORK_ORDER.csv sys_dict_data.csv \
    T_CALL_RECORD.csv
for f in "$W"/score_*.md; do
  echo "$(basename "$f" .md): $(grep -A2 '^| expected' "$f" | sed -n 3p)$(grep -h '^no findings' "$f")"
done
