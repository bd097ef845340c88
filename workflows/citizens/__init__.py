"""The citizen across cases: their history by phone or CCCD (who may see a denouncer is
workflows/cases/confidentiality.py)."""
