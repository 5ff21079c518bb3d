from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


register = manage = cancel = private_ics = _todo
