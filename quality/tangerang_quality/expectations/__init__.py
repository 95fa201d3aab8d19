"""GX Core custom expectations of the hub. Importing this package registers them with GX."""

from tangerang_quality.expectations.bbox import (
    ExpectColumnValuesToBeKotaTangerangLatitude,
    ExpectColumnValuesToBeKotaTangerangLongitude,
)
from tangerang_quality.expectations.formula import ExpectColumnValuesToNotBeFormulaInjection
from tangerang_quality.expectations.pii import (
    ExpectColumnValuesToNotContainPii,
    ExpectMulticolumnValuesToNotContainSplitPii,
)
from tangerang_quality.expectations.range import ExpectColumnValuesToBeWithinRange
from tangerang_quality.expectations.types import ExpectColumnValuesToBeOfContractType
from tangerang_quality.expectations.wilayah import ExpectColumnValuesToBeWilayahCode

__all__ = [
    "ExpectColumnValuesToBeKotaTangerangLatitude",
    "ExpectColumnValuesToBeKotaTangerangLongitude",
    "ExpectColumnValuesToBeOfContractType",
    "ExpectColumnValuesToBeWilayahCode",
    "ExpectColumnValuesToBeWithinRange",
    "ExpectColumnValuesToNotBeFormulaInjection",
    "ExpectColumnValuesToNotContainPii",
    "ExpectMulticolumnValuesToNotContainSplitPii",
]
