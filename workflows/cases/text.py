"""Vietnamese text folding and title similarity (for the duplicate hint)."""

import re
import unicodedata
from difflib import SequenceMatcher

_SIMILAR_RATIO = 0.6


def fold(text: str) -> str:
    """Lower case, no diacritics (đ → d), words separated by single spaces."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(re.findall(r"[a-z0-9]+", plain.lower()))


def similar_titles(a: str, b: str) -> bool:
    """True when two titles say much the same thing, diacritics and case aside."""
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return False
    if fa in fb or fb in fa:
        return True
    words_a, words_b = set(fa.split()), set(fb.split())
    overlap = len(words_a & words_b) / len(words_a | words_b)
    return overlap >= 0.5 or SequenceMatcher(None, fa, fb).ratio() >= _SIMILAR_RATIO
