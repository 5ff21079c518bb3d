# The seed uses typographic quotes and apostrophes; they stay as written.
# ruff: noqa: RUF001
"""The demo's flat page: the seed blog post (``../shared/seeds/002_…``),
"Overwhelmed By: Professional Connections", transcribed as Markdown and
linked from the footer.

The prose is the seed's own, typos included. Left out: the captions of its
decorative photos ("Bulletin board with sticky notes"...), the blog's
comment form ("Leave a Reply"), and the words "Please email" that ended the
"For More Information" paragraph, whose address the seed lost (none is made
up). ``load_demo_pages()`` is idempotent: the page is matched by address.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.db import transaction

from .services import place_in_footer


@dataclass(frozen=True)
class DemoPage:
    url: str
    title: str
    content: str  # Markdown
    footer_position: int


PROFESSIONAL_CONNECTIONS = DemoPage(
    url="/professional-connections/",
    title="Overwhelmed By: Professional Connections",
    footer_position=1,
    content="""\
*Blogger: Library Service to Underserved Children and Their Caregivers \
committee*

Reaching traditionally marginalized or underserved communities is \
overwhelming. We don’t want to make this work look easy; it truly isn’t. \
However, we believe library staff at any level can do it with the right tools \
and support. This year, we’re bridging the gap between tangible resources and \
getting started. Today, we’ll focus on building professional connections.

## Embrace Professional Development

Professional development is a great way to share collective knowledge. Every \
idea might not work for you, but this is a great way to brainstorm. Instead of \
reinventing the wheel, why not look for one that fits your library? Here are \
some great resources:

- **ALSC webinars.** ALSC offers regular webinars and online courses, many of \
which are free for members. Choose an interesting topic, then dive in.
- **Library organizations.** Many states have professional library \
associations. Their networking opportunities, webinars, listservs, and more \
all let you connect more widely.
- **Resource sharing groups.** The Rhode Island Sensory Story Time Support \
Group is a great example of librarians empowering each other. Also, look at \
early childhood coalitions, policy councils, or informal grassroots meetings \
in your area.
- **Community organizations.** Remember, you don’t have to be an expert. Look \
for local organizations with expertise. Then, reach out to see their training \
options. For example, the Librarian’s Guide to Homelessness is an excellent \
resource for reaching patrons experiencing homelessness.

## Consider Different Approaches

Not all libraries have the budget or staff for large-scale opportunities. \
With that in mind, be creative about engaging with other professionals. Here \
are a few suggestions:

- **In-person events.** Conferences are just one option. Look at training \
offered by library systems, school districts, or cities. What about local \
organizations? Also, partnering with other area libraries can increase \
in-person opportunities.
- **Online opportunities.** Besides webinars, look at online courses, \
trainings, conferences, and meetings. Did you know most ALSC committee \
meetings are open to any member? Consider both real-time and archived options.
- **Shared staff knowledge.** Look for ways to share your knowledge. This can \
be anything from informal resource sharing to classes born of your expertise. \
Think about staff skills and talents, then build training from there. Also, \
survey staff to find out their training needs.
- **Professional discussions.** Many local, state, and national organizations \
have email listservs or online discussion groups. Join a few. Then, ask \
questions and engage. Even with a busy schedule, you can make connections and \
find new ideas.

## Study Best Practices

There’s much to be learned from the experiences of others. Which each \
community is unique, you may get new ideas and inspiration. Here are ways to \
learn more:

- **Read widely.** Whether it’s an article published in Children and \
Libraries, a new book, or a blog post, explore professional publications. \
Chances are, you’ll find others with similar interests. Also consider \
publications from state and local organizations.
- **Contact other libraries.** Have you been inspired by a presentation, \
article, or website? Reach out! Usually others are more than willing to share \
their experiences and support you.
- **Visit other libraries.** Visit locations with programs, services, or \
spaces you’re curious about. You’ll likely be able to talk with staff, but \
also see technical aspects first-hand. Be mindful of their unique limitations \
and expectations before visiting.

## Key Takeaways

- **Be creative.** You may not have much time or resources, but you can find \
opportunities. Consider multiple avenues, whether it’s online, archived, or \
in-person.
- **Engage.** Whether it’s brainstorming or locating resources, keep reaching \
out. Have a great idea of your own? Share it and see where then conversation \
goes.
- **Start small.** Be mindful of your budget and schedule. Small steps over \
time still add up to amazing results. Keep trying to find what works best for \
you.

Making your first professional connection is intimidating, but there’s a \
great community waiting. Your voice is important, too. We’d love your ideas. \
Feel free to comment below to start the conversation. Together, we can \
navigate the overwhelming moments.

## For More Information

Check out these toolkits to help serve particular underserved populations. \
Recommendations for future toolkits, comments, or questions are always \
welcome.

Jaime Eastman is a Public Services Librarian, Senior at the Plano Public \
Library. She can be found making painstaking progress on her cross stitch \
sunset, taking walks when the Texas weather cooperates, or anticipating her \
next travel plans. She is looking forward to connecting with ALSC members \
this year.

This post addressed Core Competency VII. Professionalism and Professional \
Development.""",
)

DEMO_PAGES: tuple[DemoPage, ...] = (PROFESSIONAL_CONNECTIONS,)


@transaction.atomic
def load_demo_pages() -> list[FlatPage]:
    """Create or refresh the demo's flat pages, each on this site and linked
    from the footer; return them."""
    pages = []
    for spec in DEMO_PAGES:
        page, _ = FlatPage.objects.update_or_create(
            url=spec.url,
            defaults={
                "title": spec.title,
                "content": spec.content,
                "registration_required": False,
                "template_name": "",
                "enable_comments": False,
            },
        )
        page.sites.add(settings.SITE_ID)
        place_in_footer(page=page, shown=True, position=spec.footer_position)
        pages.append(page)
    return pages
