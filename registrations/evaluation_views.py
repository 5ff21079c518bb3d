"""The evaluation page an attendee reaches from their link (PRODUCT.md §11).
Thin: the form checks the answers, ``services.submit_evaluation`` stores
them apart from who gave them."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import services
from .evaluations import EvaluationForm
from .models import Registration
from .selectors import get_registration_by_token
from .views import private, unknown_link

# What the page shows instead of the form (templates/registrations/evaluation.html).
ALREADY_SENT = "already_sent"
NOT_ATTENDEE = "not_attendee"
NOT_YET = "not_yet"
NO_EVALUATION = "no_evaluation"


def evaluation_closed_because(registration: Registration, questions: list) -> str:
    """Why this registrant cannot fill in the evaluation now, or "" if they
    can (``services.evaluation_is_open``, as their page decides whether to
    link to it)."""
    if services.evaluation_is_open(registration):
        return "" if questions else NO_EVALUATION
    if registration.evaluation_completed:
        return ALREADY_SENT
    if not services.may_evaluate(registration):
        return NOT_ATTENDEE
    return NOT_YET


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def evaluation(request, token: str):
    """GET shows the form; POST sends it and goes back to the registrant's
    page, or shows the form again with its errors and the answers as typed."""
    registration = get_registration_by_token(token)
    if registration is None:
        return unknown_link(request)
    questions = list(registration.event.evaluation_questions.all())
    closed = evaluation_closed_because(registration, questions)
    if closed:
        return evaluation_page(request, registration, token, closed=closed)
    form = EvaluationForm(
        request.POST if request.method == "POST" else None, questions=questions
    )
    if form.is_bound and form.is_valid():
        try:
            services.submit_evaluation(token=token, answers=form.cleaned_answers())
        except services.RegistrationError as error:
            if error.code == services.NOT_FOUND:
                return unknown_link(request)
            # Sent meanwhile (another tab), or attendance was corrected.
            closed = (
                ALREADY_SENT
                if error.code == services.ALREADY_EVALUATED
                else NOT_ATTENDEE
            )
            return evaluation_page(request, registration, token, closed=closed)
        manage_url = reverse("registrations:manage", kwargs={"token": token})
        return private(redirect(f"{manage_url}?evaluated=1"))
    return evaluation_page(request, registration, token, form=form)


def evaluation_page(
    request,
    registration: Registration,
    token: str,
    *,
    form: EvaluationForm | None = None,
    closed: str = "",
):
    # 200 even when refused, as the cancel page is once it is too late: the
    # link is good, and the page says why there is no form.
    return private(
        render(
            request,
            "registrations/evaluation.html",
            {
                "registration": registration,
                "event": registration.event,
                "token": token,
                "form": form,
                "closed": closed,
            },
        )
    )
