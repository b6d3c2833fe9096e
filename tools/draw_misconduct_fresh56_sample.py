"""Draw the sixth and seventh misconduct sets together: Teddy letters in none of the first five labelled sets —
the letters the detector flags when this is run, letters the citizens' keyword net surfaces and random others,
dealt alternately to `fresh5` (held out until the end) and `fresh6` (development); seed 20261210, see
rexian.text.misconduct_labels.draw_fresh56_sample.

    PYTHONPATH=src python tools/draw_misconduct_fresh56_sample.py [REAL_DATA_DIR] > ids.csv

The committed sets were drawn with the detector of commit 0306ae0 (main on 2026-12-07), before any work on the
detector in that session. Only ids and labels are committed (data/misconduct_labels_fresh5.csv, _fresh6.csv).
"""

import csv
import sys
from pathlib import Path

from rexian.text.evaluation import real_data_dir
from rexian.text.misconduct import detect_misconduct
from rexian.text.misconduct_labels import DEVELOPMENT_SETS, draw_fresh56_sample, letters, load_label_set

base = Path(sys.argv[1]) if len(sys.argv) > 1 else real_data_dir()
texts = letters(base / "teddy2020")
flagged = {letter_id for letter_id, text in texts.items() if detect_misconduct(text)}
earlier = {row["letter_id"] for name in DEVELOPMENT_SETS for row in load_label_set(name)}
writer = csv.DictWriter(sys.stdout, ["letter_id", "stratum", "split"], lineterminator="\n")
writer.writeheader()
writer.writerows(draw_fresh56_sample(texts, flagged, earlier))
