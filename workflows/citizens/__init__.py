"""The citizen across cases: their history by phone or CCCD, and who may see a denouncer."""
