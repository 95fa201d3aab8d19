"""Keys of the Arrow schema metadata that say where a table's rows came from.

The engine's normalizer writes them on every table it builds and its staging keeps them
beside the staged file; the gate reads them (`gate.source_location`) so that every problem
names the file and the file row, counted as in a spreadsheet. The key names are kept as
the engine first wrote them.
"""

from __future__ import annotations

ROW_NUMBERS_KEY = b"tangerang_hub.row_numbers"  # JSON list: the file row of each table row
FILE_KEY = b"tangerang_hub.file"  # the file name, UTF-8
# JSON list of [header row, column name] of every source column the contract does not know:
# the agency changed its export; the run report warns the steward (not blocking).
UNKNOWN_COLUMNS_KEY = b"tangerang_hub.unknown_columns"
