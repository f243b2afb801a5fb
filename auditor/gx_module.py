"""great-expectations, imported lazily (about 4 s, so only where it runs) and without the warnings of
its optional companions: pyspark, installed beside it for Spark, warns at import that it does not
support the pandas GX brings, which says nothing to a person running an audit."""

from __future__ import annotations

import warnings
from types import ModuleType


def great_expectations() -> ModuleType:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas",
                                category=FutureWarning)
        import great_expectations as gx
    return gx
