"""A console mail backend a person can read.

Django's console backend prints the raw MIME message, in which long lines
(such as a self-service link) come out quoted-printable and broken with
"=". This one prints the headers, the plain-text part as written and the
names of the attachments, so links in ``make run`` can be clicked.
"""

from django.core.mail.backends.console import EmailBackend


class ReadableConsoleBackend(EmailBackend):
    def write_message(self, message):
        lines = [
            f"Subject: {message.subject}",
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
            "",
            message.body,
        ]
        parts = [
            mimetype for _content, mimetype in getattr(message, "alternatives", [])
        ]
        if parts:
            lines.append(f"[also as: {', '.join(parts)}]")
        for attachment in message.attachments:
            lines.append(f"[attached: {attachment.filename} ({attachment.mimetype})]")
        self.stream.write("\n".join(lines) + "\n")
        self.stream.write("-" * 79 + "\n")
