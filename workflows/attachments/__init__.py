"""Files kept with cases and inspection meetings: their type by content, their storage, who
may read them (docs/attachments.md)."""
