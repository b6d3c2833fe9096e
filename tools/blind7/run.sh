#!/bin/sh
# Blind test 7: generate the dump, suggest, dry-run, analyse and import it with each mapping, score the findings with
# tools/blind5/score.py (called, not copied) and the agent findings with score_agents.py.
# Usage (from the worktree): [SEED=N] sh tools/blind7/run.sh [WORKDIR]   (default /tmp/blind7, seed 7; nothing written
# in the tree)
set -u
W=${1:-/tmp/blind7}
T=$(cd "$(dirname "$0")" && pwd)
export PYTHONPATH="$T/../../src${PYTHONPATH:+:$PYTHONPATH}"
rm -rf "$W" && mkdir -p "$W/log"
python "$T/blind_export.py" --out "$W" --seed "${SEED:-7}"
cd "$W/export"
ALL=$(ls)
IN=$(ls *T_GD_LZJL* *T_GD_JBXX* *T_GD_HFJL* *T_HW_THJL* *T_DM_DW*)
python -m rexian mapping suggest $ALL --out "$W/suggest_all.yaml" > "$W/log/suggest_all.txt" 2>&1
echo "mapping suggest (all seven files): exit $? ($(grep -c '^# 未找到' "$W/log/suggest_all.txt") fields not found)"
# one run: LABEL MAPPING DIR INPUTS… — check, analyze --mapping, import + analyze --db, both scored
run_mapping() {  # LABEL MAPPING DIR INPUTS…: the shared run (tools/blind_shared/run_mapping.sh)
  sh "$T/../blind_shared/run_mapping.sh" "$W" "$@"
  for how in an db; do
    python "$T/score_agents.py" "$W/expected_agents.csv" "$W/${how}_$1/findings.jsonl" > "$W/agents_${how}_$1.md"
  done
}
# A: the mapping written from the docs in phase 1, over the dump as delivered
run_mapping gxjh "$T/mappings/gxjh.yaml" "$W/export" $IN
# B: the same mapping after the phase-1 user-side workaround of G1 (epoch milliseconds rewritten)
mkdir -p "$W/conv" && cp *T_GD_LZJL* *T_GD_JBXX* *T_DM_DW* "$W/conv/"
python "$T/epoch_to_d14.py" *T_GD_HFJL* "$W/conv/$(ls *T_GD_HFJL*)" HFSJ
python "$T/epoch_to_d14.py" *T_HW_THJL* "$W/conv/$(ls *T_HW_THJL*)" ZLSJ YDSJ GJSJ
run_mapping conv "$T/mappings/gxjh.yaml" "$W/conv" $IN
# C (phase 2): the dump read through its code table (码表) instead of codes copied by hand
run_mapping gxjh_code_table "$T/mappings/gxjh_code_table.yaml" "$W/export" $ALL
# D (phase 2): the draft of `mapping suggest` over the seven files, used as it comes with only `source` filled in
sed 's/^source: .*/source: gxjh_draft/' "$W/suggest_all.yaml" > "$W/draft.yaml"
run_mapping draft "$W/draft.yaml" "$W/export" $ALL
# E (phase 2): every table, column and code category renamed (variant_headers.py), the unedited suggest draft again
python "$T/variant_headers.py" "$W/export" "$W/variant"
( cd "$W/variant" && python -m rexian mapping suggest $(ls) --out "$W/suggest_variant.yaml" > "$W/log/suggest_variant.txt" 2>&1 )
sed 's/^source: .*/source: gxjh_variant/' "$W/suggest_variant.yaml" > "$W/variant.yaml"
run_mapping variant "$W/variant.yaml" "$W/variant" $(cd "$W/variant" && ls)
# G5: use_default_actions: false with an event sheet's `action: Visited`
sed 's/^# use_default_actions: false.*/use_default_actions: false/' "$T/mappings/gxjh.yaml" > "$W/no_default_actions.yaml"
python -m rexian mapping check "$W/no_default_actions.yaml" $IN > "$W/log/check_no_default_actions.txt" 2>&1
echo "mapping check with use_default_actions: false: exit $? ($(head -c 150 "$W/log/check_no_default_actions.txt"))"
for f in "$W"/score_*.md; do grep -A2 '^| expected' "$f" | sed -n 3p | sed "s|^|$(basename "$f" .md): |"; done
for f in "$W"/agents_*.md; do echo "$(basename "$f" .md): $(grep US-ABANDONED "$f" | cut -d'|' -f3,6 | tr '\n' ' ')"; done
