"""Text as spreadsheets hold it, compared the way people read it: any case, any accents, any spacing."""

import functools
import re
import unicodedata


@functools.lru_cache(maxsize=8192)  # files repeat the same few words (HTX, Nông nghiệp, Khá) thousands of times
def fold(text) -> str:
    """Lower case without accents, words separated by one space: "Hoà"/"Hòa"/"HOA" → "hoa"."""
    text = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "d")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def clean_text(value) -> str:
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in ("", "-", "–", "—"))
