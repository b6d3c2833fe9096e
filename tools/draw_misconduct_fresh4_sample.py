"""Draw the fifth, untouched misconduct set: Teddy letters in none of the first four labelled sets — every
letter the detector flags when this is run, the letters a wider keyword net surfaces, 60 of the letters that
name an official or a public body and 15 random others (seed 20261209; see
rexian.text.misconduct_labels.draw_fresh4_sample).

    PYTHONPATH=src python tools/draw_misconduct_fresh4_sample.py [REAL_DATA_DIR] > ids.csv

The committed fifth set was drawn with the detector of commit 4caae19, before any work on the detector in
that session. The lead wrote the letters' texts, shuffled, for two independent labellers; only ids and labels
are committed (data/misconduct_labels_fresh4.csv).
"""

import csv
import sys
from pathlib import Path

from rexian.text.evaluation import real_data_dir
from rexian.text.misconduct import detect_misconduct
from rexian.text.misconduct_labels import draw_fresh4_sample, letters, load_label_set

base = Path(sys.argv[1]) if len(sys.argv) > 1 else real_data_dir()
texts = letters(base / "teddy2020")
flagged = {letter_id for letter_id, text in texts.items() if detect_misconduct(text)}
earlier = {row["letter_id"] for name in ("first", "fresh", "fresh2", "fresh3") for row in load_label_set(name)}
writer = csv.DictWriter(sys.stdout, ["letter_id", "stratum", "split"], lineterminator="\n")
writer.writeheader()
writer.writerows(draw_fresh4_sample(texts, flagged, earlier))
