"""The words by which citizens name public bodies, public servants and everyone else (`data/doers.yaml`,
extended by a user lexicon's `doers:` section), compiled once into the patterns `rexian.text.mentions` reads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_LIST_KEYS = ("public_bodies", "public_services", "mixed_services", "state_enterprises", "private_bodies", "not_bodies", "not_posts",
              "public_posts", "manager_posts", "generic_posts", "private_people", "citizens", "pronouns", "object_markers",
              "passive_markers", "salutations", "person_nouns", "kin", "female", "male")
@dataclass(frozen=True)
class DoerWords:
    words: dict[str, tuple[str, ...]]
    surnames: str
    scan: re.Pattern  # every body ending, post, private person and pronoun, longest first
    kinds: dict[str, str]  # word -> public_body | service | state | private_body | public_post | generic_post | ...
    not_bodies: re.Pattern
    not_posts: re.Pattern
    salutations: re.Pattern | None
    names_after: re.Pattern  # 「科长李建」: a surname and one or two characters after a post
    lone_names: re.Pattern  # 「李某」「张某某」 anywhere


def build_words(documents: list[dict]) -> DoerWords:
    lists: dict[str, list[str]] = {key: [] for key in _LIST_KEYS}
    surnames = ""
    for document in documents:
        section = (document or {}).get("doers") or {}
        for key in _LIST_KEYS:
            lists[key] += [str(word) for word in section.get(key) or []]
        surnames += str(section.get("surnames") or "")
        # A later file moves a word between the people lists (医生 into public_posts).
        for key, other in (("public_posts", "private_people"), ("private_people", "public_posts")):
            moved = {str(word) for word in section.get(key) or []}
            lists[other] = [word for word in lists[other] if word not in moved]
    kinds: dict[str, str] = {}
    # Later assignments win: a person word beats a body word of the same spelling (城管 the officer).
    for key, kind in (("public_bodies", "public_body"), ("public_services", "service"), ("mixed_services", "mixed"),
                      ("state_enterprises", "state"), ("private_bodies", "private_body"),
                      ("generic_posts", "generic_post"), ("person_nouns", "generic_post"), ("manager_posts", "manager_post"),
                      ("private_people", "private_person"), ("citizens", "citizen"), ("public_posts", "public_post"),
                      ("pronouns", "pronoun")):
        for word in lists[key]:
            if key == "manager_posts" and kinds.get(word) == "public_post":
                continue
            kinds[word] = kind
    surnames = "".join(dict.fromkeys(surnames))
    return DoerWords(
        words={key: tuple(value) for key, value in lists.items()}, surnames=surnames,
        scan=_alternation(kinds), kinds=kinds, not_bodies=_alternation(lists["not_bodies"]),
        not_posts=_alternation(lists["not_posts"]),
        salutations=_alternation(lists["salutations"]) if lists["salutations"] else None,
        names_after=re.compile(rf"^[{surnames}](?:某某|某|[\u4e00-\u9fff]{{1,2}})"),  # 「胡某强占」: 胡某
        # 「李某」「张某某」; 「自称是姓王，说……」 (a person who gave only a surname, not 「我姓王」)
        lone_names=re.compile(rf"(?<![\u4e00-\u9fff])[{surnames}](?:某某|某)|(?<=[的位名个])[{surnames}](?:某某|某)"
                              rf"|(?<![我人])(?<=[是说称])姓[{surnames}](?=[，,。：:])"),
    )


def _alternation(words) -> re.Pattern:
    ordered = sorted({word for word in words if word}, key=len, reverse=True)
    return re.compile("|".join(re.escape(word) for word in ordered))


@lru_cache(maxsize=1)
def default_words() -> DoerWords:
    import yaml

    text = resources.files("rexian.text").joinpath("data/doers.yaml").read_text(encoding="utf-8")
    return build_words([yaml.safe_load(text)])
