"""Draw the third, untouched misconduct set: 250 Teddy letters in neither earlier labelled set — every letter
the detector still flags, every remaining broad-keyword letter and 40 random others (seed 20261207; see
rexian.text.misconduct_labels.draw_fresh2_sample).

    PYTHONPATH=src python tools/draw_misconduct_fresh2_sample.py [REAL_DATA_DIR] > ids.csv

The `hit` stratum is what the detector flags when this is run: the committed third set was drawn with the
detector of commit 3f3dea7, which flagged 1 letter outside the first two sets; 209 keyword letters remained,
so the sizes (70, 400, 40) took every hit and keyword letter and 40 random ones. The lead also wrote the
letters' texts, shuffled so that no stratum can be guessed from the order, for the two labellers; only ids
and labels are committed (data/misconduct_labels_fresh2.csv).
"""

import csv
import sys
from pathlib import Path

from rexian.text.evaluation import real_data_dir
from rexian.text.misconduct import detect_misconduct
from rexian.text.misconduct_labels import draw_fresh2_sample, letters, load_label_set

base = Path(sys.argv[1]) if len(sys.argv) > 1 else real_data_dir()
texts = letters(base / "teddy2020")
flagged = {letter_id for letter_id, text in texts.items() if detect_misconduct(text)}
earlier = {row["letter_id"] for name in ("first", "fresh") for row in load_label_set(name)}
writer = csv.DictWriter(sys.stdout, ["letter_id", "stratum", "split"], lineterminator="\n")
writer.writeheader()
writer.writerows(draw_fresh2_sample(texts, flagged, earlier))
