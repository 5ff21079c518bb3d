"""The certificates bench's verdicts (bench/certificates.py): 500 within two
minutes, every PDF made, memory that does not grow with the count; and a
miss is reported in the printed table."""

from bench import certificates
from bench.report import evaluate, render


def figures(**changes):
    base = {
        "count": 500,
        "issued": 500,
        "made": 500,
        "issue_seconds": 1.2,
        "first_ms": 600.0,
        "median_ms": 110.0,
        "p95_ms": 150.0,
        "max_ms": 600.0,
        "total_seconds": 60.0,
        "pdf_kb_median": 19.0,
        "peak_rss_mb_after_100": 170.0,
        "peak_rss_mb_after_all": 172.0,
    }
    return {**base, **changes}


def missed(result) -> list[str]:
    return [t["what"] for t in certificates.targets(result) if not t["ok"]]


def test_all_met():
    """Figures that meet every target (500 PDFs in a minute, all made, memory
    steady) miss none of the three targets."""
    assert missed(figures()) == []
    assert len(certificates.targets(figures())) == 3


def test_over_two_minutes_for_500_is_a_miss():
    """500 certificates taking over two minutes (121 s) miss the time target,
    and only that one."""
    assert missed(figures(total_seconds=121.0)) == ["certificates: 500 in <120 s"]


def test_a_quick_run_is_scaled_to_500():
    """100 certificates in 30 s would be 150 s for 500: a miss."""
    assert missed(figures(count=100, issued=100, made=100, total_seconds=30.0)) == [
        "certificates: 500 in <120 s"
    ]


def test_memory_growing_with_the_count_is_a_miss():
    """Peak memory growing by 30 MB after the first 100 PDFs misses the memory
    target, and only that one."""
    assert missed(figures(peak_rss_mb_after_all=200.0)) == [
        "certificates: peak memory +<20 MB after 100"
    ]


def test_a_pdf_not_made_is_a_miss():
    """One PDF of the 500 not made misses the "every PDF made" target, and only
    that one."""
    assert missed(figures(made=499)) == ["certificates: every PDF made"]


def test_the_table_prints_the_line_and_counts_its_targets():
    """bench.report shows the figures and counts a miss with the others."""
    result = {
        "mode": "full",
        "when": "2026-01-01T00:00:00+00:00",
        "seconds": 70.0,
        "machine": {"cores": 2, "python": "3.13", "load_average_at_start": [0.1]},
        "database": {"engine": "sqlite", "version": "3"},
        "sizes": {},
        "certificates": figures(total_seconds=130.0),
    }
    result["targets"] = evaluate(result)
    table = render(result)
    assert "500/500 PDFs in 130.0 s" in table
    assert "median 110 ms" in table
    assert "  ✗ certificates: 500 in <120 s" in table
    result.pop("certificates")
    result["targets"] = evaluate(result)
    assert "Certificates: one worker making a webinar's PDFs" in render(result)
    assert certificates.targets({}) == []
