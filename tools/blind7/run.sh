#!/bin/sh
# Blind test 7: generate the dump, suggest, dry-run, analyse and import it with the mapping written from docs/, score
# the findings with tools/blind5/score.py (called, not copied) and the agent findings with score_agents.py.
# Usage (from the worktree): [SEED=N] sh tools/blind7/run.sh [WORKDIR]   (default /tmp/blind7, seed 7; nothing written
# in the tree)
set -u
W=${1:-/tmp/blind7}
T=$(cd "$(dirname "$0")" && pwd)
SCORE="$T/../blind5/score.py"
export PYTHONPATH="$T/../../src${PYTHONPATH:+:$PYTHONPATH}"
rm -rf "$W" && mkdir -p "$W/log"
python "$T/blind_export.py" --out "$W" --seed "${SEED:-7}"
cd "$W/export"
ALL=$(ls)
IN=$(ls *T_GD_LZJL* *T_GD_JBXX* *T_GD_HFJL* *T_HW_THJL* *T_DM_DW*)
python -m rexian mapping suggest $ALL --out "$W/suggest_all.yaml" > "$W/log/suggest_all.txt" 2>&1
echo "mapping suggest (all seven files): exit $? ($(grep -c '^# 未找到' "$W/log/suggest_all.txt") fields not found)"
python -m rexian mapping suggest *T_GD_LZJL* *T_GD_JBXX* --out "$W/suggest.yaml" > "$W/log/suggest.txt" 2>&1
echo "mapping suggest (flow + ticket table): exit $?"
# one mapping M over the files of directory D: check, analyze --mapping, import + analyze --db, both scored
run_mapping() {
  M=$1; D=$2; MAP="$T/mappings/$M.yaml"
  ( cd "$D" && python -m rexian mapping check "$MAP" $IN > "$W/log/check_$M.txt" 2>&1
    echo "mapping check $M: exit $?"
    python -m rexian analyze --mapping "$MAP" $IN --out "$W/an_$M" > "$W/log/analyze_$M.txt" 2>&1
    echo "analyze --mapping $M: exit $?"
    python -m rexian import --db "sqlite:///$W/$M.db" --mapping "$MAP" $IN --rejects "$W/log/import_rejects_$M.csv" \
        > "$W/log/import_$M.txt" 2>&1
    echo "import $M: exit $?" )
  python -m rexian analyze --db "sqlite:///$W/$M.db" --out "$W/db_$M" > "$W/log/analyze_db_$M.txt" 2>&1
  echo "analyze --db $M: exit $?"
  python "$SCORE" "$W/expected.csv" "$W/an_$M/findings.jsonl" --label "$M: analyze --mapping" > "$W/score_an_$M.md"
  python "$SCORE" "$W/expected.csv" "$W/db_$M/findings.jsonl" --label "$M: import + analyze --db" > "$W/score_db_$M.md"
  python "$T/score_agents.py" "$W/expected_agents.csv" "$W/an_$M/findings.jsonl" > "$W/agents_an_$M.md"
  python "$T/score_agents.py" "$W/expected_agents.csv" "$W/db_$M/findings.jsonl" > "$W/agents_db_$M.md"
}
# A: the mapping as written from the docs, over the dump as delivered
run_mapping gxjh "$W/export"
# B: the same mapping over the dump after the user-side workaround of G1 (epoch milliseconds rewritten)
mkdir -p "$W/conv" && cp *T_GD_LZJL* *T_GD_JBXX* *T_DM_DW* "$W/conv/"
python "$T/epoch_to_d14.py" *T_GD_HFJL* "$W/conv/$(ls *T_GD_HFJL*)" HFSJ
python "$T/epoch_to_d14.py" *T_HW_THJL* "$W/conv/$(ls *T_HW_THJL*)" ZLSJ YDSJ GJSJ
M=gxjh; MAP="$T/mappings/$M.yaml"
( cd "$W/conv" && python -m rexian analyze --mapping "$MAP" $IN --out "$W/an_conv" > "$W/log/analyze_conv.txt" 2>&1
  echo "analyze --mapping gxjh over the converted dump: exit $?"
  python -m rexian import --db "sqlite:///$W/conv.db" --mapping "$MAP" $IN --rejects "$W/log/import_rejects_conv.csv" \
      > "$W/log/import_conv.txt" 2>&1
  echo "import gxjh over the converted dump: exit $?" )
python -m rexian analyze --db "sqlite:///$W/conv.db" --out "$W/db_conv" > "$W/log/analyze_db_conv.txt" 2>&1
echo "analyze --db (converted): exit $?"
python "$SCORE" "$W/expected.csv" "$W/an_conv/findings.jsonl" --label "converted: analyze --mapping" > "$W/score_an_conv.md"
python "$SCORE" "$W/expected.csv" "$W/db_conv/findings.jsonl" --label "converted: import + analyze --db" > "$W/score_db_conv.md"
python "$T/score_agents.py" "$W/expected_agents.csv" "$W/an_conv/findings.jsonl" > "$W/agents_an_conv.md"
python "$T/score_agents.py" "$W/expected_agents.csv" "$W/db_conv/findings.jsonl" > "$W/agents_db_conv.md"
# G5: use_default_actions: false with an event sheet's `action: Visited`
sed 's/^# use_default_actions: false.*/use_default_actions: false/' "$MAP" > "$W/no_default_actions.yaml"
python -m rexian mapping check "$W/no_default_actions.yaml" $IN > "$W/log/check_no_default_actions.txt" 2>&1
echo "mapping check with use_default_actions: false: exit $? ($(head -c 150 "$W/log/check_no_default_actions.txt"))"
for f in "$W"/score_*.md; do grep -A2 '^| expected' "$f" | sed -n 3p | sed "s|^|$(basename "$f" .md): |"; done
for f in "$W"/agents_*.md; do echo "$(basename "$f" .md): $(grep US-ABANDONED "$f" | cut -d'|' -f3,6 | tr '\n' ' ')"; done
