"""jixiao: budget performance target tables (预算绩效目标表) kept as data."""

__version__ = "0.2.0"
