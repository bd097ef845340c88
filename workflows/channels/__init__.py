"""Ways in and out besides the desk: partner systems (Open311) and their API keys."""
