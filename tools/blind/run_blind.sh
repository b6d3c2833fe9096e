#!/bin/sh
# Reproduce the blind test of issue 14 (tools/blind/README.md): generate the style-E export, dry-run the
# mappings, analyse it with --mapping (workbook and GBK CSV twin) and through a fresh SQLite database
# (with the call records and agent status), and score every run against expected.csv.
#   sh tools/blind/run_blind.sh [WORKDIR]        (run from the repository root)
set -u
W=${1:-/tmp/blind14_run}
B=tools/blind
E=$W/export
rm -rf "$W" && mkdir -p "$W"
python $B/blind_export.py "$E"
R="python -m rexian"
echo "== mapping check (workbook)";  $R mapping check $B/mapping_xlsx.yaml "$E/12345工单导出.xlsx" "$E/话务记录.csv" "$E/坐席状态.csv" | grep -v '^  [A-Z]'
echo "== analyze --mapping (workbook)"
$R analyze --mapping $B/mapping_xlsx.yaml "$E/12345工单导出.xlsx" "$E/话务记录.csv" "$E/坐席状态.csv" --out "$W/an_xlsx" >"$W/an_xlsx.log" 2>&1
python $B/score.py "$E/expected.csv" "$W/an_xlsx/findings.jsonl" --label "workbook, analyze --mapping"
echo "== analyze --mapping (GBK CSV twin)"
$R analyze --mapping $B/mapping_csv.yaml "$E/流转记录.csv" "$E/工单信息.csv" "$E/话务记录.csv" "$E/坐席状态.csv" --out "$W/an_csv" >"$W/an_csv.log" 2>&1
python $B/score.py "$E/expected.csv" "$W/an_csv/findings.jsonl" --label "GBK CSV, analyze --mapping" | tail -8
echo "== import into a fresh SQLite database, then analyze --db"
DB="sqlite:///$W/blind.db"
# The call records and agent status come in the same run (the mapping's calls/agent_status sections); the
# table mappings of the first blind run then find every row already stored and unchanged.
$R import --db "$DB" --mapping $B/mapping_xlsx.yaml "$E/12345工单导出.xlsx" "$E/话务记录.csv" "$E/坐席状态.csv" --rejects "$W/rej1.csv"
$R import --db "$DB" --mapping $B/mapping_calls.yaml "$E/话务记录.csv" --rejects "$W/rej2.csv"
$R import --db "$DB" --mapping $B/mapping_status.yaml "$E/坐席状态.csv" --rejects "$W/rej3.csv"
$R analyze --db "$DB" --out "$W/an_db" >"$W/an_db.log" 2>&1
python $B/score.py "$E/expected.csv" "$W/an_db/findings.jsonl" --label "import + analyze --db" | tail -8
