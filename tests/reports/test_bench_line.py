"""The bench's staff-pages line: each page under 300 ms at the largest size
measured, and as many queries there as at the smallest."""

from bench import staff_pages


def row(name, ms, queries):
    return {"name": name, "median_ms": ms, "max_ms": ms, "queries": queries}


def test_a_slow_page_or_a_growing_query_count_is_a_missed_target():
    """At the largest size, a page over 300 ms or with more queries than at the
    smallest misses; a fast page with as many queries meets both targets; the
    section has a line for the large size's reports page."""
    sizes = {
        "small": {"staff": [row("overview", 30, 10), row("reports", 40, 15)]},
        "large": {"staff": [row("overview", 70, 10), row("reports", 1069, 16)]},
    }
    assert staff_pages.checks(sizes) == [
        ("overview: <300 ms", True),
        ("overview: same queries as on small", True),
        ("reports: <300 ms", False),
        ("reports: same queries as on small", False),
    ]
    assert [t["ok"] for t in staff_pages.targets(sizes)] == [True, True, False, False]
    assert "large  reports" in "\n".join(staff_pages.section(sizes))


def test_nothing_measured_says_so():
    """Nothing measured: no targets, and the section ends "skipped: not run"."""
    assert staff_pages.checks({}) == []
    assert staff_pages.section({})[-1] == "skipped: not run"
