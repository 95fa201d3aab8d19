"""CKAN's Solr schema.xml with Indonesian analysis on its `text` field type.

CKAN stems `title`, `notes` and the catch-all `text` field with the English Snowball stemmer,
so `q=sehat` does not find a dataset about *kesehatan*. Lucene ships an Indonesian stemmer
(`IndonesianStemFilterFactory`: particles -kah/-lah/-pun, possessives -ku/-mu/-nya, prefixes
meng-/ke-/ber-/..., suffixes -kan/-an/-i). It runs first; the English stemmer stays after it for
the English half of bilingual descriptions. Index and query analysis change together.

The schema's name and version (`ckan-2.12`) are left alone, so CKAN's schema version check
still passes. An upstream schema that no longer holds the two English stemmer lines of the
`text` type is refused, rather than silently left English.

Usage: python3 indonesian_schema.py CKAN_SCHEMA_XML OUTPUT_XML   (standard library only)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ENGLISH = (
    '<filter class="solr.SnowballPorterFilterFactory" language="English" '
    'protected="protwords.txt"/>'
)
INDONESIAN = '<filter class="solr.IndonesianStemFilterFactory" stemDerivational="true"/>'
_TEXT_TYPE = re.compile(r'(<fieldType name="text" class="solr\.TextField".*?</fieldType>)', re.S)


def indonesian(schema: str) -> str:
    """`schema` (CKAN's schema.xml text) with the Indonesian stemmer on the `text` type."""
    found = _TEXT_TYPE.search(schema)
    if found is None or found.group(1).count(ENGLISH) != 2:
        raise ValueError(
            "CKAN's schema.xml has no `text` field type with an English stemmer in both "
            "analyzers; update stack/solr/indonesian_schema.py for this CKAN version"
        )
    text_type = found.group(1).replace(ENGLISH, f"{INDONESIAN}\n            {ENGLISH}")
    return schema[: found.start(1)] + text_type + schema[found.end(1) :]


def main(argv: list[str]) -> int:
    source, target = map(Path, argv)
    target.write_text(indonesian(source.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
