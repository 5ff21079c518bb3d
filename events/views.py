from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


home = event_list = past_events = this_month = month = event_detail = series_detail = (
    _todo
)
page_not_found = None
server_error = None
