"""The values some settings accept, shared by the configuration model (config.py) and the command
line. This module imports nothing heavy, so that the command line builds its options, and answers
`--version` or `--help`, without loading pydantic, the models or the engines."""

from __future__ import annotations

import re

SEVERITIES = ("critical", "high", "medium", "low", "info", "never")
MEMORY_SIZE = re.compile(r"^[0-9]+(\.[0-9]+)?\s*[KMGT]i?B$")  # 512MB, 4GB, 1.5GiB
