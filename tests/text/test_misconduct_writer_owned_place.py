"""The writer's own shop is where an official acted, not who acted (found by blind test 10: 「执法人员刘某来我店检查
时，暗示要给两千元好处费才不罚款」 named 「店」 as the doer, a private body, so GR-GRAFT stayed silent). Near misses:
the shop's own staff stay private people. Sentences written for these tests."""

import pytest

from rexian.text.misconduct import detect_misconduct


def findings(text, family):
    return [hit for hit in detect_misconduct(text) if hit["family"] == family]


@pytest.mark.parametrize("text, family, post", [
    ("市场监管局执法人员刘某来我店检查时，暗示要给两千元好处费才不罚款，我没给，第二天就被罚了。", "graft", "执法人员"),
    ("城管队员到我们店里检查，态度恶劣，大声辱骂店员。", "hostile_attitude", "城管队员"),
])
def test_an_official_who_came_to_the_writers_shop_is_the_doer(text, family, post):
    hits = findings(text, family)
    assert hits and hits[0]["doer"]["post"] == post and hits[0]["doer"]["status"] == "public"


@pytest.mark.parametrize("text", ["我店店员态度恶劣，对顾客大吼大叫。", "本店老板暗示要给两千元好处费才给退货。"])
def test_the_writers_own_staff_are_not_public_servants(text):
    assert findings(text, "hostile_attitude") == [] and findings(text, "graft") == []
