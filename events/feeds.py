from django.contrib.syndication.views import Feed
from django.http import Http404


def calendar_feed(request):
    raise Http404


def event_ics(request, slug):
    raise Http404


class UpcomingEventsFeed(Feed):
    title = "Upcoming events"
    link = "/events/"

    def items(self):
        return []
