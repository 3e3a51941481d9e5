"""Quality: signals (scores) and decisions (thresholds from filters/<lang>.yaml)."""

from altedic.quality.rules import RULES, Rule
from altedic.quality.signals import SIGNAL_NAMES, SignalConfig, compute_signals, tokenize
from altedic.quality.stage import QualityStage

__all__ = ["RULES", "SIGNAL_NAMES", "QualityStage", "Rule", "SignalConfig", "compute_signals", "tokenize"]
