"""Personal data: detectors (validated matches) and the PII stage (redact, tag, drop)."""

from altedic.pii.detectors import PII_TYPES, Match, find_all, redact
from altedic.pii.stage import PIIStage

__all__ = ["PII_TYPES", "Match", "PIIStage", "find_all", "redact"]
