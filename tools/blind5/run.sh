#!/bin/sh
# Blind test 5: generate the export, dry-run, analyse and import it with each mapping, score the findings.
# Usage (from the worktree): sh tools/blind5/run.sh [WORKDIR]   (default /tmp/blind5; nothing written in the tree)
set -u
W=${1:-/tmp/blind5}
T=$(cd "$(dirname "$0")" && pwd)
export PYTHONPATH="$T/../../src${PYTHONPATH:+:$PYTHONPATH}"
rm -rf "$W" && mkdir -p "$W/log"
python "$T/blind_export.py" --out "$W"
cd "$W/export"
for M in jiangzhou jiangzhou_visits_from_ticket_list; do
  MAP="$T/mappings/$M.yaml"
  python -m rexian mapping check "$MAP" converted/工单明细表.xlsx 流转记录_*.csv > "$W/log/check_$M.txt" 2>&1
  echo "mapping check $M: exit $?"
  python -m rexian analyze --mapping "$MAP" converted/工单明细表.xlsx 流转记录_*.csv --out "$W/an_$M" > "$W/log/analyze_$M.txt" 2>&1
  echo "analyze --mapping $M: exit $?"
  python -m rexian import --db "sqlite:///$W/$M.db" --mapping "$MAP" converted/工单明细表.xlsx 流转记录_*.csv \
      --rejects "$W/log/import_rejects_$M.csv" > "$W/log/import_$M.txt" 2>&1
  echo "import $M: exit $?"
  python -m rexian analyze --db "sqlite:///$W/$M.db" --out "$W/db_$M" > "$W/log/analyze_db_$M.txt" 2>&1
  echo "analyze --db $M: exit $?"
  python "$T/score.py" "$W/expected.csv" "$W/an_$M/findings.jsonl" --label "$M: analyze --mapping" > "$W/score_an_$M.md"
  python "$T/score.py" "$W/expected.csv" "$W/db_$M/findings.jsonl" --label "$M: import + analyze --db" > "$W/score_db_$M.md"
done
# the export as delivered: the ticket list is an HTML table named .xls
python -m rexian mapping suggest 工单明细表.xls 流转记录_*.csv > "$W/log/suggest_html_xls.txt" 2>&1
echo "mapping suggest with the delivered .xls: exit $?"
python -m rexian analyze --mapping "$T/mappings/jiangzhou.yaml" 工单明细表.xls 流转记录_*.csv --out "$W/an_html_xls" \
    > "$W/log/analyze_html_xls.txt" 2>&1
echo "analyze --mapping with the delivered .xls: exit $?"
python "$T/score.py" "$W/expected.csv" "$W/an_html_xls/findings.jsonl" --label "delivered .xls (HTML): analyze --mapping" \
    > "$W/score_an_html_xls.md"
# the delivered .xls imported first, then the clerk's .xlsx copy into the same database (D1)
python -m rexian import --db "sqlite:///$W/html_then_xlsx.db" --mapping "$T/mappings/jiangzhou.yaml" 工单明细表.xls 流转记录_*.csv \
    --rejects "$W/log/import_rejects_html.csv" > "$W/log/import_html_xls.txt" 2>&1
echo "import with the delivered .xls: exit $?"
python -m rexian import --db "sqlite:///$W/html_then_xlsx.db" --mapping "$T/mappings/jiangzhou.yaml" converted/工单明细表.xlsx \
    流转记录_*.csv --rejects "$W/log/import_rejects_after_html.csv" > "$W/log/import_after_html.txt" 2>&1
echo "import of the .xlsx copy after it: exit $? ($(grep -o '冲突 [0-9]*' "$W/log/import_after_html.txt"))"
# mapping A without the approval's new deadline (D6d)
sed '/ExtensionApproved: {new_due_at/d' "$T/mappings/jiangzhou.yaml" > "$W/no_new_due.yaml"
python -m rexian analyze --mapping "$W/no_new_due.yaml" converted/工单明细表.xlsx 流转记录_*.csv --out "$W/an_no_new_due" \
    > "$W/log/analyze_no_new_due.txt" 2>&1
python "$T/score.py" "$W/expected.csv" "$W/an_no_new_due/findings.jsonl" --label "mapping A without ExtensionApproved.new_due_at" \
    > "$W/score_an_no_new_due.md"
# style G: one row per ticket, the flow history in one cell (XML Spreadsheet 2003 .xls; the clerk's .xlsx copy)
cd "$W/export_g"
python -m rexian mapping suggest 工单导出.xls > "$W/log/suggest_g_xml_xls.txt" 2>&1
echo "mapping suggest with the delivered style-G .xls: exit $?"
python -m rexian mapping suggest converted/工单导出.xlsx > "$W/log/suggest_g.txt" 2>&1
MAP="$T/mappings/jiangzhou_g_tickets.yaml"
python -m rexian mapping check "$MAP" converted/工单导出.xlsx > "$W/log/check_g.txt" 2>&1
echo "mapping check style G: exit $?"
python -m rexian analyze --mapping "$MAP" converted/工单导出.xlsx --out "$W/an_g" > "$W/log/analyze_g.txt" 2>&1
echo "analyze --mapping style G: exit $?"
python -m rexian import --db "sqlite:///$W/g.db" --mapping "$MAP" converted/工单导出.xlsx --rejects "$W/log/import_rejects_g.csv" \
    > "$W/log/import_g.txt" 2>&1
echo "import style G: exit $?"
python -m rexian analyze --db "sqlite:///$W/g.db" --out "$W/db_g" > "$W/log/analyze_db_g.txt" 2>&1
echo "analyze --db style G: exit $?"
python "$T/score.py" "$W/expected.csv" "$W/an_g/findings.jsonl" --label "style G: analyze --mapping" > "$W/score_an_g.md"
python "$T/score.py" "$W/expected.csv" "$W/db_g/findings.jsonl" --label "style G: import + analyze --db" > "$W/score_db_g.md"
# style G read with the `history` option (added after the blind test): the 处理过程 cell split into flow rows
MAP="$T/mappings/jiangzhou_g_history.yaml"
python -m rexian mapping check "$MAP" converted/工单导出.xlsx > "$W/log/check_g_history.txt" 2>&1
echo "mapping check style G, history: exit $?"
python -m rexian analyze --mapping "$MAP" 工单导出.xls --out "$W/an_g_history" > "$W/log/analyze_g_history.txt" 2>&1
echo "analyze --mapping style G, history, the delivered .xls: exit $?"
python -m rexian import --db "sqlite:///$W/g_history.db" --mapping "$MAP" converted/工单导出.xlsx \
    --rejects "$W/log/import_rejects_g_history.csv" > "$W/log/import_g_history.txt" 2>&1
echo "import style G, history: exit $?"
python -m rexian analyze --db "sqlite:///$W/g_history.db" --out "$W/db_g_history" > "$W/log/analyze_db_g_history.txt" 2>&1
python "$T/score.py" "$W/expected.csv" "$W/an_g_history/findings.jsonl" --label "style G, history: analyze --mapping (.xls)" \
    > "$W/score_an_g_history.md"
python "$T/score.py" "$W/expected.csv" "$W/db_g_history/findings.jsonl" --label "style G, history: import + analyze --db" \
    > "$W/score_db_g_history.md"
for f in "$W"/score_*.md; do echo; tail -n +1 "$f" | grep -A3 '^| expected' | sed "s|^|$(basename "$f" .md): |" | sed -n 3p; done
