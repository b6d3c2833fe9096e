#!/bin/sh
# Blind test 13: generate the Debezium CDC export of t_work_order / t_call_record (澜江市), suggest, dry-run, analyse
# and import it with each mapping, scored through tools/blind_shared/run_mapping.sh (tools/blind5/score.py).
# Usage (from the worktree): [SEED=N] [CDC=canal] sh tools/blind13/run.sh [WORKDIR]   (default /tmp/blind13/run,
# seed 13, Debezium; CDC=canal writes the same changes as Canal's canal-json; nothing written in the tree)
set -u
W=${1:-/tmp/blind13/run}
T=$(cd "$(dirname "$0")" && pwd)
export PYTHONPATH="$T/../../src${PYTHONPATH:+:$PYTHONPATH}"
rm -rf "$W" && mkdir -p "$W/log"
python "$T/blind_export.py" --out "$W" --seed "${SEED:-13}" --cdc "${CDC:-debezium}"
WO="ods_rx12345_t_work_order_202601.json ods_rx12345_t_work_order_202602.json ods_rx12345_t_work_order_202603.json"
CALLS=ods_rx12345_t_call_record_2026Q1.json
( cd "$W/export" && python -m rexian mapping suggest $WO $CALLS dim_sys_user.csv dim_sys_dept.csv --out "$W/suggest.yaml" > "$W/log/suggest.txt" 2>&1 )
echo "mapping suggest: exit $? ($(grep -c '^# 未找到' "$W/log/suggest.txt") fields not found)"
run_mapping() {  # LABEL MAPPING DIR INPUTS…
  sh "$T/../blind_shared/run_mapping.sh" "$W" "$@"
}
# A (phase 1): snapshot mode over the row images, written from the docs; the calls (refused in snapshot mode) are
# imported into the same database first by a mode: table mapping, so only the --db run sees them
( cd "$W/export" && python -m rexian import --db "sqlite:///$W/snapshots.db" --mapping "$T/mappings/calls_docs.yaml" \
    $CALLS --rejects "$W/log/calls_rejects_snapshots.csv" > "$W/log/calls_import_snapshots.txt" 2>&1
  echo "import calls (snapshots): exit $?" )
run_mapping snapshots "$T/mappings/snapshots_docs.yaml" "$W/export" $WO
# B (phase 2, when it exists): the change log read as changes (cdc), calls in the same run
if [ -f "$T/mappings/cdc_docs.yaml" ]; then
  sed "s/^cdc: debezium/cdc: ${CDC:-debezium}/" "$T/mappings/cdc_docs.yaml" > "$W/cdc_docs.yaml"
  run_mapping cdc "$W/cdc_docs.yaml" "$W/export" $WO $CALLS dim_sys_user.csv
fi
# C (phase 2): this run's `mapping suggest` draft with the user's edits (tools/blind13/draft_edits.py: the meaning of
# each status code and status fork from 数据说明.txt, the coded visit results, four action_fields)
if grep -q '^cdc: ' "$W/suggest.yaml" 2>/dev/null; then
  python "$T/draft_edits.py" "$W/suggest.yaml" "$W/draft.yaml"
  run_mapping draft "$W/draft.yaml" "$W/export" $WO $CALLS dim_sys_user.csv
fi
for f in "$W"/score_*.md; do echo "$(basename "$f" .md): $(grep -A2 '^| expected' "$f" | tail -1)"; done
