"""Requests Almanac refuses before any view, or the CSRF check, reads them."""

from urllib.parse import unquote_to_bytes

from django.core.exceptions import BadRequest
from django.http import UnreadablePostError

FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class RefuseUnreadableFormsMiddleware:
    """A form sent in a charset other than UTF-8 (``charset=utf-16``,
    latin-1, ...), or whose URL-encoded fields are not UTF-8, is answered
    400 with the site's "we couldn't understand this request" page.

    Our pages are UTF-8 and browsers send their forms back in UTF-8, so only
    a hand-made request is refused. Left alone, Django raises ``BadRequest``
    when the CSRF check reads such a form, and again when the 400 handler
    (which checks CSRF too) reads it: a 500. So the form is refused here,
    before ``CsrfViewMiddleware``, and marked as read and empty for the
    handler.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SAFE_METHODS and self.is_unreadable(request):
            # What Django itself does with a multipart body it cannot parse.
            request._mark_post_parse_error()
            raise BadRequest("A form that is not UTF-8.")
        return self.get_response(request)

    @staticmethod
    def is_unreadable(request) -> bool:
        if request.content_type not in FORM_TYPES:
            return False
        charset = request.content_params.get("charset")
        if charset is not None and charset.strip().lower() != "utf-8":
            return True
        if request.content_type != "application/x-www-form-urlencoded":
            # A multipart body may be a large upload: it is left to stream,
            # and its parser replaces bytes that are not UTF-8.
            return False
        try:
            # Kept on the request for the view (Django reads this body into
            # memory anyway, at most DATA_UPLOAD_MAX_MEMORY_SIZE).
            body = request.body
        except UnreadablePostError:
            # The client went away mid-body: the CSRF check says so.
            return False
        try:
            for field in body.split(b"&"):
                unquote_to_bytes(field.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            return True
        return False
