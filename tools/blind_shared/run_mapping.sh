#!/bin/sh
# One run of a blind test with one mapping, shared by tools/blind7 … blind11/run.sh (called, not copied):
#   sh tools/blind_shared/run_mapping.sh WORKDIR LABEL MAPPING DIR INPUTS…
# In DIR: `mapping check`, `analyze --mapping` and `import` into WORKDIR/LABEL.db; then `analyze --db` on it; both
# findings scored against WORKDIR/expected.csv with tools/blind5/score.py into WORKDIR/score_{an,db}_LABEL.md.
# Logs in WORKDIR/log/. PYTHONPATH is the caller's (run.sh points it at the tree's src).
set -u
W=$1; L=$2; MAP=$3; D=$4; shift 4
SCORE="$(cd "$(dirname "$0")" && pwd)/../blind5/score.py"
mkdir -p "$W/log"
( cd "$D" && python -m rexian mapping check "$MAP" "$@" > "$W/log/check_$L.txt" 2>&1
  echo "mapping check $L: exit $?"
  python -m rexian analyze --mapping "$MAP" "$@" --out "$W/an_$L" > "$W/log/analyze_$L.txt" 2>&1
  echo "analyze --mapping $L: exit $?"
  python -m rexian import --db "sqlite:///$W/$L.db" --mapping "$MAP" "$@" --rejects "$W/log/import_rejects_$L.csv" \
      > "$W/log/import_$L.txt" 2>&1
  echo "import $L: exit $?" )
python -m rexian analyze --db "sqlite:///$W/$L.db" --out "$W/db_$L" > "$W/log/analyze_db_$L.txt" 2>&1
echo "analyze --db $L: exit $?"
for how in an db; do
  if [ -f "$W/${how}_$L/findings.jsonl" ]; then
    python "$SCORE" "$W/expected.csv" "$W/${how}_$L/findings.jsonl" --label "$L ($how)" > "$W/score_${how}_$L.md"
  else
    echo "no findings ($L, $how)" > "$W/score_${how}_$L.md"
  fi
done
