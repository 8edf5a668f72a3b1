"""Fuzzing through the real command line: short in the suite, long with ``campaign``."""
