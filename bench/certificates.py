"""Certificates for a big webinar, made by one worker:
``python -m bench.certificates --out FILE [--count 500]``.

PRODUCT.md §11: when attendance is made final, every attendee's PDF is
made by the task worker. A webinar of 500 attendees must have all its
certificates within two minutes on one worker. Run by ``bench.run`` in a
process of its own, on an empty database of its own: migrates, creates a
past webinar with ``--count`` confirmed attendees (in bulk), makes
attendance final (which issues the rows and queues the PDFs and emails:
the dummy task backend of ``bench.settings`` only records them), then makes
every PDF in one loop as the worker does
(``services.make_certificate_pdf``). Reported: the issuing time, each
PDF's median, p95 and worst time, the total, the PDFs' size, and the
process's peak memory after the first 100 and after all of them (a leak
would grow with the count).

This module imports no Django at its top: ``bench.report`` reads its
targets and prints its section without setting Django up.
"""

import argparse
import json
import os
import resource
import secrets
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal

# 500 attendees' certificates by one worker within two minutes.
SECONDS_FOR_500 = 120
# Peak memory may grow this much from the 100th certificate to the last:
# a leak of even 50 KB a certificate would pass it.
MEMORY_GROWTH_MB = 20


def peak_rss_mb() -> float:
    """The process's peak resident memory so far (Linux reports KB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


def make_webinar(count: int):
    """A one-hour webinar that ended an hour ago, with CE hours, two
    presenters and ``count`` confirmed registrants ticked attended."""
    from django.utils import timezone

    from events.models import Event, EventPresenter, Organizer, Presenter
    from registrations.models import EventTally, Registration

    now = timezone.now()
    organizer = Organizer.objects.create(
        name="Learning Services",
        slug="learning-services",
        certificate_signature="Jordan Lee, Continuing Education Coordinator",
    )
    event = Event.objects.create(
        title="Fake News and Media Literacy: Teaching Patrons to Evaluate Sources",
        slug="fake-news-and-media-literacy",
        description="A webinar for library staff.",
        is_published=True,
        start=now - timedelta(hours=2),
        end=now - timedelta(hours=1),
        time_zone="America/New_York",
        capacity=count,
        organizer=organizer,
        ce_hours=Decimal("1.0"),
        certificate_policy="attendees",
    )
    for order, name in enumerate(["Elana Karshmer", "Dana Oyelaran-Whitfield"]):
        presenter = Presenter.objects.create(name=name)
        EventPresenter.objects.create(event=event, presenter=presenter, order=order)
    Registration.objects.bulk_create(
        (
            Registration(
                event=event,
                name=f"Attendee Number {n}",
                email=f"attendee{n}@springfieldlibrary.org",
                email_normalized=f"attendee{n}@springfieldlibrary.org",
                organization="Springfield Public Library",
                status=Registration.Status.CONFIRMED,
                attended=True,
                attendance_source=Registration.AttendanceSource.STAFF,
                attendance_marked_at=now,
                token_hash=secrets.token_hex(32),
                link_secret=secrets.token_hex(16),
            )
            for n in range(count)
        ),
        batch_size=500,
    )
    # What the registration services keep as they write, counted once.
    EventTally.objects.recount(Event.objects.filter(pk=event.pk))
    return event


def run(count: int) -> dict:
    from django.core.management import call_command
    from django.db.models.functions import Length

    from registrations import services
    from registrations.models import Certificate
    from registrations.services.certificates import make_certificate_pdf

    call_command("migrate", verbosity=0, interactive=False)
    event = make_webinar(count)
    started = time.perf_counter()
    issued = services.mark_attendance_final(event_id=event.pk)
    issue_seconds = time.perf_counter() - started
    ids = list(
        Certificate.objects.filter(event=event)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    times, outcomes = [], []
    peak_after_100 = None
    started = time.perf_counter()
    for n, certificate_id in enumerate(ids, start=1):
        began = time.perf_counter()
        outcomes.append(make_certificate_pdf(certificate_id=certificate_id))
        times.append(time.perf_counter() - began)
        if n == min(100, len(ids)):
            peak_after_100 = peak_rss_mb()
    total = time.perf_counter() - started
    # Read before anything else is loaded: the sizes below would otherwise
    # count 500 PDFs held at once, which no worker does.
    peak_after_all = peak_rss_mb()
    sizes = list(
        Certificate.objects.filter(event=event)
        .annotate(size=Length("pdf"))
        .values_list("size", flat=True)
    )
    ordered = sorted(times)
    return {
        "count": count,
        "issued": issued,
        "made": outcomes.count("made"),
        "issue_seconds": round(issue_seconds, 2),
        "first_ms": round(times[0] * 1000, 1),
        "median_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(ordered[round(0.95 * (len(ordered) - 1))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "total_seconds": round(total, 1),
        "pdf_kb_median": round(statistics.median(sizes) / 1024, 1),
        "peak_rss_mb_after_100": round(peak_after_100, 1),
        "peak_rss_mb_after_all": round(peak_after_all, 1),
    }


# --- Verdicts and the printed section (no Django needed) ------------------


def seconds_for_500(figures: dict) -> float:
    """The total, scaled to 500 certificates (``--quick`` makes fewer)."""
    return figures["total_seconds"] * 500 / figures["count"]


def checks(figures: dict) -> list[tuple[str, bool]]:
    """(target, met): every PDF made, 500 within two minutes, memory flat."""
    growth = figures["peak_rss_mb_after_all"] - figures["peak_rss_mb_after_100"]
    return [
        ("every PDF made", figures["made"] == figures["count"] == figures["issued"]),
        (f"500 in <{SECONDS_FOR_500} s", seconds_for_500(figures) < SECONDS_FOR_500),
        (f"peak memory +<{MEMORY_GROWTH_MB} MB after 100", growth < MEMORY_GROWTH_MB),
    ]


def targets(figures: dict) -> list[dict]:
    if not figures or "skipped" in figures:
        return []
    return [
        {"what": f"certificates: {target}", "ok": ok} for target, ok in checks(figures)
    ]


def section(figures: dict) -> list[str]:
    """The lines ``bench.report.render`` prints for this part."""
    out = ["", "Certificates: one worker making a webinar's PDFs (WeasyPrint)"]
    if not figures or "skipped" in figures:
        return [*out, f"skipped: {(figures or {}).get('skipped', 'not run')}"]
    marks = "; ".join(
        f"{'✓' if ok else '✗'} {target}" for target, ok in checks(figures)
    )
    return [
        *out,
        f"{figures['made']}/{figures['count']} PDFs in {figures['total_seconds']} s "
        f"(500 in {seconds_for_500(figures):.0f} s): median "
        f"{figures['median_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms, worst "
        f"{figures['max_ms']:.0f} ms, first {figures['first_ms']:.0f} ms; "
        f"{figures['pdf_kb_median']:.0f} KB each; issuing the rows "
        f"{figures['issue_seconds']} s; peak memory "
        f"{figures['peak_rss_mb_after_100']:.0f} MB after 100, "
        f"{figures['peak_rss_mb_after_all']:.0f} MB after all. {marks}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    figures = run(args.count)
    with open(args.out, "w") as file:
        json.dump(figures, file, indent=2)


if __name__ == "__main__":
    main()
