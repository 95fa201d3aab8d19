"""The benchmark is a script in bench/, outside the engine package: import it from there."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
