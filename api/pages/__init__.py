"""Server-rendered web pages: one module per page group, sharing the helpers in web.py."""
