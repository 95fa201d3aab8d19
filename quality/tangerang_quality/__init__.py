"""Privacy and quality gate of the Kota Tangerang open-data hub: a library the engine calls.

`pii` and `formula` are pure detectors; `masking` is the one identifier masker; `problems`
holds `Problem`, a problem located by file, row and column; `expectations` wraps the detectors
as GX Core custom expectations; `suite` derives a GX suite from a dataset contract; `gate` runs
it and turns the result into `Problem`s; `score` computes the dataset quality score;
`data_docs` makes a run's Data Docs one self-contained page.

It never imports the engine (`tangerang_hub`, tests/tangerang_quality/test_package_boundary.py):
a contract is anything shaped like `types.ContractLike`, and what only the engine knows (the
wilayah reference, the SDI keys, the frequency periods) is passed in as arguments.
"""
