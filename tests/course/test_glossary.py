"""course/glossary.md: one Chinese term per concept, and the Chinese notebooks keep to it."""

import re

from .conftest import CHAPTER_STEMS, COURSE, read

ROW = re.compile(r"^\| ([^|]+) \| ([^|]+) \| ([^|]*) \|$")


def glossary() -> list[tuple[str, list[str], list[str]]]:
    rows = []
    for line in (COURSE / "glossary.md").read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match and not set(match.group(1)) <= set("-") and match.group(1) != "English":
            split = [[t.strip() for t in group.split(",") if t.strip()]
                     for group in match.groups()[1:]]
            rows.append((match.group(1).strip(), *split))
    return rows


def test_the_glossary_names_the_terms_the_course_standardises():
    terms = {zh for _, chosen, _ in glossary() for zh in chosen}
    assert {"前向传播", "反向传播", "叶子节点", "计算图", "反向函数", "Hessian-向量积"} <= terms
    banned = {b for _, _, avoided in glossary() for b in avoided}
    assert {"前向计算", "反向节点", "Hessian 向量积"} <= banned
    assert not terms & banned


def test_chinese_notebooks_use_no_banned_variant(stem):
    banned = {b: chosen[0] for _, chosen, avoided in glossary() for b in avoided}
    for cell in read("zh", stem).cells:
        for variant, term in banned.items():
            assert variant not in cell.source, \
                f"zh/{stem} {cell.id}: {variant!r}, the glossary says {term!r}"


def test_the_index_uses_no_banned_variant():
    text = (COURSE / "src" / "index.md").read_text(encoding="utf-8")
    for _, chosen, avoided in glossary():
        for variant in avoided:
            assert variant not in text, f"index: {variant!r}, the glossary says {chosen[0]!r}"


def test_the_chosen_terms_are_really_used():
    """A glossary of terms nobody uses would drift from the course unnoticed."""
    zh = "\n".join(c.source for s in CHAPTER_STEMS for c in read("zh", s).cells)
    for english, chosen, _ in glossary():
        assert chosen[0] in zh, f"glossary term {chosen[0]!r} ({english}) appears in no chapter"
