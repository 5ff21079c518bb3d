"""The floor: one catch-all view that returns bytes rendered beforehand.

Swapped in as ROOT_URLCONF, it answers the same path through the same
middleware, so what a real page costs above it is the view and template
work; the floor itself is Django's (and the test client's) own cost.
"""

from django.http import HttpResponse
from django.urls import re_path

# Set by bench.pages before each measurement.
RESPONSE = {"content": b"", "content_type": "text/html; charset=utf-8", "status": 200}


def prebuilt(request, rest: str = ""):
    return HttpResponse(
        RESPONSE["content"],
        content_type=RESPONSE["content_type"],
        status=RESPONSE["status"],
    )


urlpatterns = [re_path(r"^(?P<rest>.*)$", prebuilt)]
