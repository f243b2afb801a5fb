"""great-expectations, imported lazily (about 4 s, so only where it runs) without its optional Spark
support. GX imports pyspark whenever it is installed (it is, beside the auditor, for Spark); the
auditor never hands GX a Spark dataframe (Spark is audited through SQL), and pyspark's import costs
time, warns about pandas, and from a `python -c` process takes itself for a doctest run and calls
`sys.exit(0)`: an audit would end with success, silently. So GX is imported with pyspark hidden;
pyspark stays importable for everything else."""

from __future__ import annotations

import sys
import warnings
from types import ModuleType


def great_expectations() -> ModuleType:
    hidden = "pyspark" not in sys.modules
    if hidden:
        sys.modules["pyspark"] = None  # type: ignore[assignment]  # `import pyspark` raises ImportError
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas",
                                    category=FutureWarning)
            import great_expectations as gx
    finally:
        if hidden and sys.modules.get("pyspark") is None:
            del sys.modules["pyspark"]
    return gx
