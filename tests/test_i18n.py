"""The message catalogue: every key in every language, with the same fields to fill in."""

import string

import pytest

import autograd_kit as ak
from autograd_kit import i18n


def _load_every_area() -> None:
    # Areas register their tables when imported; the optional ones need the course extras.
    import autograd_kit.grading  # noqa: F401
    import autograd_kit.viz  # noqa: F401


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_exists_in_every_language_with_the_same_fields():
    _load_every_area()
    for key, texts in i18n.CATALOGUE.items():
        assert set(texts) == set(i18n.LANGUAGES), key
        assert all(texts[lang].strip() for lang in i18n.LANGUAGES), key
        assert _fields(texts["en"]) == _fields(texts["zh"]), key


def test_set_language_switches_what_text_returns_and_rejects_unknown_languages():
    table = i18n.register({"test.greeting": {"en": "step {n}", "zh": "第 {n} 步"}})
    try:
        ak.set_language("zh")
        assert ak.get_language() == "zh"
        assert i18n.text("test.greeting", n=3) == "第 3 步"
        assert i18n.text("test.greeting", "en", n=3) == "step 3"
        with pytest.raises(ValueError, match="language must be one of"):
            ak.set_language("fr")
        assert ak.get_language() == "zh"
    finally:
        ak.set_language("en")
        del i18n.CATALOGUE["test.greeting"]
    assert table["test.greeting"]["en"] == "step {n}"


def test_a_key_cannot_be_registered_twice_with_other_texts():
    i18n.register({"test.once": {"en": "a", "zh": "甲"}})
    try:
        with pytest.raises(ValueError, match="registered twice"):
            i18n.register({"test.once": {"en": "b", "zh": "乙"}})
    finally:
        del i18n.CATALOGUE["test.once"]
