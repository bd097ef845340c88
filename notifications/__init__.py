"""Notifications: the outbox, templates, and delivery over SMTP or to a mail folder."""
