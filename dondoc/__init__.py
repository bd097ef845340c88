"""Đôn Đốc: the command line, settings and demo data that tie the layers together."""
