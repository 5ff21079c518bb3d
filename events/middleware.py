from django.shortcuts import render


class MethodNotAllowedPageMiddleware:
    """Django's 405 (require_POST, require_safe) has an empty body; give the
    person a page that says what happened, keeping the Allow header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            page = render(request, "405.html", status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response
