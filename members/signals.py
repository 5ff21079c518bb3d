"""Whoever changes the directory (the admin, an import, the demo), the
registration form's cached copy of it goes (``members.models.
active_domains``): at once, and again once the change commits, as a
registration in between may have read the directory unchanged and kept it.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import LibraryDomain, MemberLibrary, forget_active_domains


@receiver(post_save, sender=MemberLibrary)
@receiver(post_delete, sender=MemberLibrary)
@receiver(post_save, sender=LibraryDomain)
@receiver(post_delete, sender=LibraryDomain)
def directory_changed(**kwargs):
    forget_active_domains()
    transaction.on_commit(forget_active_domains, robust=True)
