"""The event list's search: words in any order, found in an event's title,
its presenters', categories' and organizer's names, or its description.

On PostgreSQL it is full-text search, best matches first: a match in the
title counts most, then one in the names, then one in the description. The
words are read as in a web search box (``"exact phrase"``, ``-without``,
``or``), and in English (the consortium's language): "libraries" finds
"library", "cataloging" finds "catalog", and words too common to mean
anything ("the", "for") are left out. The words are stored in the event
row (``SearchWords``) with a GIN index (migration 0004), so a search reads
only the events it finds.

Elsewhere (SQLite, in development) a simple stand-in: every word must appear
somewhere, case aside, and the events keep their date order.

The names live in a column of the event row (``Event.search_names``), as an
index can't reach into other tables; ``refresh_search_names`` keeps them
current, called by ``events.signals`` whenever a presenter, a category or
an organizer is renamed or an event's line-up, categories or organizer
change.
"""

import re
from collections.abc import Iterable

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection
from django.db.models import (
    Expression,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce, Concat, Trim

from .models import Event, EventPresenter, Organizer

# The text-search configuration of the query; the stored words (migration
# 0004) are read with the same. Names go through the same stemming as the
# words the member types, so "Evans" finds "Evans" (both become "evan");
# only a name that is also a common English word ("Will") is dropped.
LANGUAGE = "english"


class SearchWords(Expression):
    """The event row's words, weighted: ``events_event.search_words``.

    A column PostgreSQL computes and stores itself whenever the row changes
    (a generated column, added by migration 0004 on PostgreSQL only, so the
    model doesn't list it and no list reads it): the title's words weighted
    A, the names' B, the description's C, in English. Stored, because
    ranking reads every match's words: computed from the text for each
    match, a search of 10,000 events took over 100 ms; read from the
    column, under 10.
    """

    output_field = SearchVectorField()

    def resolve_expression(self, query=None, *args, **kwargs):
        resolved = self.copy()
        resolved.alias = query.get_initial_alias()
        return resolved

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def as_sql(self, compiler, connection):
        # As Django's own column references (Col) write themselves.
        return ".".join(map(compiler.quote_name, (self.alias, "search_words"))), ()


def ranks_matches() -> bool:
    """True where matches come best first; the stand-in keeps date order."""
    return connection.vendor == "postgresql"


def words_of(q: str) -> list[str]:
    """The words of a search for the stand-in: letters and digits, so
    punctuation (and SQL's LIKE wildcards, % and _) is never searched for."""
    return re.findall(r"[^\W_]+", q)


def search_events(queryset: QuerySet[Event], q: str) -> QuerySet[Event]:
    """The events of ``queryset`` that match ``q``: on PostgreSQL best first,
    ties in the queryset's own order; elsewhere in that order."""
    if ranks_matches():
        query = SearchQuery(q, config=LANGUAGE, search_type="websearch")
        ties = queryset.query.order_by or Event._meta.ordering
        return (
            queryset.alias(search=SearchWords())
            .filter(search=query)
            .annotate(search_rank=SearchRank(SearchWords(), query))
            .order_by("-search_rank", *ties)
        )
    words = words_of(q)
    if not words:
        return queryset.none()
    for word in words:
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(search_names__icontains=word)
            | Q(description_text__icontains=word)
        )
    return queryset


def _names_of_event(rows: QuerySet, name: str) -> Subquery:
    """The ``name`` of each of one event's ``rows``, space-separated, for an
    UPDATE of events (``OuterRef("pk")`` is the event being updated). In no
    particular order: SQLite can't order an aggregate, and search needn't."""
    return Subquery(
        rows.filter(event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(names=StringAgg(name, Value(" "), output_field=TextField()))
        .values("names")
    )


def refresh_search_names(event_ids: Iterable[int] | QuerySet) -> None:
    """Copy the current presenters', categories' and organizer's names into
    ``Event.search_names`` for these events (ids, or a ``values("pk")``
    queryset of them), in one UPDATE however many there are."""
    presenters = _names_of_event(EventPresenter.objects.all(), "presenter__name")
    categories = _names_of_event(
        Event.categories.through.objects.all(), "category__name"
    )
    organizer = Subquery(
        Organizer.objects.filter(pk=OuterRef("organizer_id")).values("name")
    )
    parts = [
        Coalesce(part, Value(""), output_field=TextField())
        for part in (presenters, categories, organizer)
    ]
    names = Trim(
        Concat(
            parts[0],
            Value(" "),
            parts[1],
            Value(" "),
            parts[2],
            output_field=TextField(),
        )
    )
    Event.objects.filter(pk__in=event_ids).update(search_names=names)
