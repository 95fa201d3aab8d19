"""Privacy and quality gate of the Kota Tangerang open-data hub.

`pii` and `formula` are pure detectors; `expectations` wraps them as GX Core custom
expectations; `suite` derives a GX suite from a dataset contract; `gate` runs it and turns the
result into `Problem`s; `scan` is `hub scan`; `score` computes the dataset quality score;
`data_docs` makes a run's Data Docs one self-contained page; `catalog_score` rescores the
whole catalog daily.
"""
