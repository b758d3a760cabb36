"""The sandbox Jobindsats server: the v3 protocol of ../shared/jobindsats/API.md with synthetic demo data.

world.py holds the synthetic areas, tables and series; cube.py sums and formats them; replies.py builds the JSON
replies without HTTP; server.py serves them on loopback with the real service's quirks and switchable faults.
"""

from indicators.sandbox.replies import (
    DEFAULT_MAX_CELLS,
    SandboxRequestError,
    catalogue_reply,
    data_reply,
    subjects_reply,
    table_reply,
)
from indicators.sandbox.server import (
    DEFAULT_TOKEN,
    FAULT_KINDS,
    SANDBOX_HEADER,
    UNKNOWN_AREA_NAME,
    Fault,
    RecordedRequest,
    SandboxServer,
)
from indicators.sandbox.world import TABLES

__all__ = [
    "DEFAULT_MAX_CELLS",
    "DEFAULT_TOKEN",
    "FAULT_KINDS",
    "SANDBOX_HEADER",
    "TABLES",
    "UNKNOWN_AREA_NAME",
    "Fault",
    "RecordedRequest",
    "SandboxRequestError",
    "SandboxServer",
    "catalogue_reply",
    "data_reply",
    "subjects_reply",
    "table_reply",
]
