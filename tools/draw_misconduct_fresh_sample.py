"""Draw the fresh, untouched misconduct set: ~150 Teddy letters not in the first labelled set, the same
stratified way with another seed (see rexian.text.misconduct_labels.draw_fresh_sample).

    PYTHONPATH=src python tools/draw_misconduct_fresh_sample.py [REAL_DATA_DIR] > ids.csv

The `hit` stratum is what the detector flags when this is run: the committed fresh set was drawn with the
detector of commit 03755fd.
"""

import csv
import sys
from pathlib import Path

from rexian.text.evaluation import real_data_dir
from rexian.text.misconduct import detect_misconduct
from rexian.text.misconduct_labels import draw_fresh_sample, letters, load_labels

base = Path(sys.argv[1]) if len(sys.argv) > 1 else real_data_dir()
texts = letters(base / "teddy2020")
flagged = {letter_id for letter_id, text in texts.items() if detect_misconduct(text)}
writer = csv.DictWriter(sys.stdout, ["letter_id", "stratum", "split"], lineterminator="\n")
writer.writeheader()
writer.writerows(draw_fresh_sample(texts, flagged, {row["letter_id"] for row in load_labels()}))
