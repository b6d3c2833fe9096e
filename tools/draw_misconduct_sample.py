"""Draw the stratified sample of real letters for labelling misconduct (see rexian.text.misconduct_labels).

    PYTHONPATH=src python tools/draw_misconduct_sample.py [REAL_DATA_DIR] > ids.csv

Prints letter_id, stratum and split. The `hit` stratum is what the detector flags when this is run: the
committed sample was drawn with the detector of commit bd17b32 (before the work of issue 18).
"""

import csv
import sys
from pathlib import Path

from rexian.text.evaluation import real_data_dir
from rexian.text.misconduct import detect_misconduct
from rexian.text.misconduct_labels import draw_sample, letters

base = Path(sys.argv[1]) if len(sys.argv) > 1 else real_data_dir()
texts = letters(base / "teddy2020")
flagged = {letter_id for letter_id, text in texts.items() if detect_misconduct(text)}
writer = csv.DictWriter(sys.stdout, ["letter_id", "stratum", "split"], lineterminator="\n")
writer.writeheader()
writer.writerows(draw_sample(texts, flagged))
