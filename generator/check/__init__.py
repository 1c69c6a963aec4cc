"""The check: schema and domain rules over the data, findings acknowledged where a file says so (jixiao check)."""

from generator.check.run import check, check_unit_folder

__all__ = ["check", "check_unit_folder"]
