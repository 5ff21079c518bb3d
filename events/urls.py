from django.urls import path

from . import feeds, views

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
    path("events/", views.event_list, name="list"),
    path("events/past/", views.past_events, name="past"),
    path("events/calendar/", views.this_month, name="calendar"),
    path("events/calendar/<int:year>/<int:month>/", views.month, name="month"),
    path("events/feed.ics", feeds.calendar_feed, name="feed_ics"),
    path("events/feed.rss", feeds.UpcomingEventsFeed(), name="feed_rss"),
    path("events/<slug:slug>/", views.event_detail, name="detail"),
    path("events/<slug:slug>/event.ics", feeds.event_ics, name="event_ics"),
    path("series/<slug:slug>/", views.series_detail, name="series"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
]
