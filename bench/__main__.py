"""`python -m bench` (what `make bench` runs)."""

import sys

from bench.hub_bench import main

sys.exit(main())
