"""The review pipeline: what changed between two versions of the data, and what it does (jixiao diff)."""
