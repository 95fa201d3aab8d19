"""The benchmark is the package `bench` at the repository's root, outside the engine: import
it from there."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
