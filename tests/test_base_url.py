"""Receipts print the look-up address the server is reached at: `serve` and `demo` on another
port than 8000 (without DONDOC_BASE_URL) put that port in it."""

import argparse

from core.settings import get_settings
from dondoc import cli


def test_the_served_port_is_in_the_printed_address(monkeypatch):
    monkeypatch.setenv("DONDOC_BASE_URL", "")  # restored after the test
    try:
        cli._base_url_from(argparse.Namespace(host="0.0.0.0", port=8123))
        assert get_settings().base_url == "http://127.0.0.1:8123"
        monkeypatch.setenv("DONDOC_BASE_URL", "https://motcua.thainguyen.gov.vn")
        get_settings.cache_clear()
        cli._base_url_from(argparse.Namespace(host="127.0.0.1", port=8123))
        assert get_settings().base_url == "https://motcua.thainguyen.gov.vn"  # given: kept
    finally:
        get_settings.cache_clear()
