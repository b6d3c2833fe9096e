#!/bin/sh
# Blind test 6: generate the export, suggest, dry-run, analyse and import it with each mapping, score the findings
# with tools/blind5/score.py (called, not copied).
# Usage (from the worktree): [SEED=N] sh tools/blind6/run.sh [WORKDIR]   (default /tmp/blind6, seed 6; nothing written in the tree)
set -u
W=${1:-/tmp/blind6}
T=$(cd "$(dirname "$0")" && pwd)
SCORE="$T/../blind5/score.py"
export PYTHONPATH="$T/../../src${PYTHONPATH:+:$PYTHONPATH}"
rm -rf "$W" && mkdir -p "$W/log"
python "$T/blind_export.py" --out "$W" --seed "${SEED:-6}"
cd "$W/export"
IN="工单导出_20260401.xlsx 话务记录.txt"
python -m rexian mapping suggest $IN --out "$W/suggest.yaml" > "$W/log/suggest.txt" 2>&1
echo "mapping suggest: exit $?"
# one mapping M over INPUTS: check, analyze --mapping, import + analyze --db, both scored
run_mapping() {
  M=$1; shift
  MAP="$T/mappings/$M.yaml"
  python -m rexian mapping check "$MAP" "$@" > "$W/log/check_$M.txt" 2>&1
  echo "mapping check $M: exit $?"
  python -m rexian analyze --mapping "$MAP" "$@" --out "$W/an_$M" > "$W/log/analyze_$M.txt" 2>&1
  echo "analyze --mapping $M: exit $?"
  python -m rexian import --db "sqlite:///$W/$M.db" --mapping "$MAP" "$@" --rejects "$W/log/import_rejects_$M.csv" \
      > "$W/log/import_$M.txt" 2>&1
  echo "import $M: exit $?"
  python -m rexian analyze --db "sqlite:///$W/$M.db" --out "$W/db_$M" > "$W/log/analyze_db_$M.txt" 2>&1
  echo "analyze --db $M: exit $?"
  python "$SCORE" "$W/expected.csv" "$W/an_$M/findings.jsonl" --label "$M: analyze --mapping" > "$W/score_an_$M.md"
  python "$SCORE" "$W/expected.csv" "$W/db_$M/findings.jsonl" --label "$M: import + analyze --db" > "$W/score_db_$M.md"
}
run_mapping lixia $IN
run_mapping lixia_visits_from_ticket_sheet $IN
# mapping D (written by the lead after the blind report): mapping A + event_sheets for 回访记录 and 延期申请
run_mapping lixia_event_sheets $IN
# mapping C: the user-side workaround of G1 — join_sheets.py copies 回访记录 / 延期申请 onto the 处理过程 rows
python "$T/join_sheets.py" 工单导出_20260401.xlsx "$W/joined.xlsx"
JIN="$W/joined.xlsx 话务记录.txt"
run_mapping lixia_joined $JIN
MAP="$T/mappings/lixia_joined.yaml"
# G5: the visit's 录音编号 mapped as call_id, a key the call records do not hold
sed 's/^  Visited: {satisfaction: 满意度, resolved: 是否解决, reached: 联系情况}.*/  Visited: {satisfaction: 满意度, resolved: 是否解决, reached: 联系情况, call_id: 录音编号}/' \
    "$MAP" > "$W/joined_call_id.yaml"
python -m rexian analyze --mapping "$W/joined_call_id.yaml" $JIN --out "$W/an_joined_call_id" > "$W/log/analyze_joined_call_id.txt" 2>&1
echo "analyze --mapping C with call_id ← 录音编号: exit $? ($(grep -c MS-VISIT-NO-CALL "$W/an_joined_call_id/findings.jsonl") MS-VISIT-NO-CALL findings)"
# G4: mapping C without its values translations of the coded visit results
sed -e '/^  satisfaction: {1 满意/d' -e '/^  resolved: {01 已解决/d' -e '/^  reached: {已联系/d' "$MAP" > "$W/joined_no_values.yaml"
python -m rexian analyze --mapping "$W/joined_no_values.yaml" $JIN --out "$W/an_joined_no_values" > "$W/log/analyze_joined_no_values.txt" 2>&1
echo "analyze --mapping C without values: exit $? ($(grep -c 回访结果无法识别 "$W/an_joined_no_values/rejects.csv") unread-visit remarks)"
python "$SCORE" "$W/expected.csv" "$W/an_joined_no_values/findings.jsonl" --label "C without values translations" \
    > "$W/score_an_joined_no_values.md"
# the draft of `mapping suggest` used as it comes, with only `source` filled in (what a hurried user runs)
sed -e 's/^source: .*/source: lixia_draft/' "$W/suggest.yaml" > "$W/draft0.yaml"
python -m rexian mapping check "$W/draft0.yaml" $IN > "$W/log/check_draft0.txt" 2>&1
echo "mapping check of the unedited draft: exit $? ($(head -1 "$W/log/check_draft0.txt" | cut -c1-60))"
# … then with the two '?' words answered, the time-of-day column 受理时间 dropped as received_at, and only the
# workbook (the draft has no calls section: the call file is read as flow rows); its other guesses kept
# (街道回复 → Replied, no reply/reason action_fields)
sed -e 's/^source: .*/source: lixia_draft/' -e "s/^  过程记录: '?'/  过程记录: ProgressNoted/" \
    -e "s/^  办结审核退回: '?'/  办结审核退回: ClosureRejected/" -e '/^    received_at: 受理时间/d' "$W/suggest.yaml" > "$W/draft.yaml"
python -m rexian mapping check "$W/draft.yaml" 工单导出_20260401.xlsx > "$W/log/check_draft.txt" 2>&1
echo "mapping check of the draft, '?' answered, received_at dropped: exit $?"
python -m rexian analyze --mapping "$W/draft.yaml" 工单导出_20260401.xlsx --out "$W/an_draft" > "$W/log/analyze_draft.txt" 2>&1
echo "analyze --mapping with that draft: exit $?"
python "$SCORE" "$W/expected.csv" "$W/an_draft/findings.jsonl" --label "the suggest draft, '?' answered: analyze --mapping" \
    > "$W/score_an_draft.md"
# an action_fields column that is not in the flow sheet (a ticket-sheet column, and a typo): is it reported?
sed 's/^  ForwardReported: {result: 处理意见}.*/  ForwardReported: {result: 处理意见}\n  Visited: {satisfaction: 回访满意度, resolved: 解决情况XYZ}/' \
    "$T/mappings/lixia.yaml" > "$W/absent_columns.yaml"
python -m rexian mapping check "$W/absent_columns.yaml" $IN > "$W/log/check_absent_columns.txt" 2>&1
echo "mapping check with action_fields naming absent columns: exit $? ($(grep -c 'XYZ\|回访满意度' "$W/log/check_absent_columns.txt") lines name them)"
for f in "$W"/score_*.md; do grep -A2 '^| expected' "$f" | sed -n 3p | sed "s|^|$(basename "$f" .md): |"; done
