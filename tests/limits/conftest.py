import pytest


@pytest.fixture
def sign_in_clock(clock, monkeypatch):
    """The test's clock (``tests.clock``), also for django-axes, which took
    its own reference to ``timezone.now`` when it was imported."""
    from axes import attempts
    from axes.handlers import proxy

    monkeypatch.setattr(proxy, "now", lambda: clock.now)
    monkeypatch.setattr(attempts, "now", lambda: clock.now)
    return clock
