"""Almanac's benchmark harness: ``python -m bench.run`` (see README.md).

A benchmark, never a test: it reports numbers against the targets of issue 6
and exits 0 unless it crashed. pytest does not collect it (testpaths is tests/).
"""
