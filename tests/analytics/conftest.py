import sys
from pathlib import Path

# The fixture builder lives next to the tests; make `tests.analytics.builder` importable.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
