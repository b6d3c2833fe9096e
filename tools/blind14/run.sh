#!/bin/sh
# Blind test 14: generate the report-style export (.xlsx and SpreadsheetML .xls + the calls CSV), suggest, dry-run,
# analyse and import it with each mapping, and score the findings with tools/blind5/score.py through
# tools/blind_shared/run_mapping.sh (called, not copied).
# Usage (from the worktree): [SEED=N] sh tools/blind14/run.sh [WORKDIR]   (default /tmp/blind14/run, seed 14;
# nothing written in the tree)
set -u
W=${1:-/tmp/blind14/run}
T=$(cd "$(dirname "$0")" && pwd)
export PYTHONPATH="$T/../../src${PYTHONPATH:+:$PYTHONPATH}"
rm -rf "$W" && mkdir -p "$W/log"
python "$T/blind_export.py" --out "$W" --seed "${SEED:-14}"
X=工单办理情况明细表_2026Q1.xlsx
S=工单办理情况明细表_2026Q1.xls
C=话务记录_2026Q1.csv
for f in xlsx xls; do
  ( cd "$W/export" && python -m rexian mapping suggest 工单办理情况明细表_2026Q1.$f $C --out "$W/suggest_$f.yaml" \
      > "$W/log/suggest_$f.txt" 2>&1 )
  echo "mapping suggest ($f): exit $?"
done
run_mapping() {  # LABEL MAPPING DIR INPUTS…: the shared run (tools/blind_shared/run_mapping.sh)
  sh "$T/../blind_shared/run_mapping.sh" "$W" "$@"
}
# A: the mapping written from the docs, on the workbook and on the XML Spreadsheet
run_mapping docs_xlsx "$T/mappings/report_docs.yaml" "$W/export" $X $C
run_mapping docs_xls "$T/mappings/report_docs.yaml" "$W/export" $S $C
# B: the draft this run's suggest makes, `source` filled in
for f in xlsx xls; do
  sed 's/^source: .*/source: lanjiang12345/' "$W/suggest_$f.yaml" > "$W/draft_$f.yaml"
done
run_mapping draft_xlsx "$W/draft_xlsx.yaml" "$W/export" $X $C
run_mapping draft_xls "$W/draft_xls.yaml" "$W/export" $S $C
# B (phase 1's workaround): the user's own split of the report into a ticket file and a flow file
python "$T/split_report.py" "$W/export/$X" "$W/split" && cp "$W/export/$C" "$W/split/"
run_mapping split "$T/mappings/split_user.yaml" "$W/split" 流转.csv 工单.csv $C
for f in "$W"/score_*.md; do echo "$(basename "$f" .md): $(grep -A2 '^| expected' "$f" | tail -1)"; done
