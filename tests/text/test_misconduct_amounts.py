"""A demand for money written with the amount as citizens write it (issue 18, sixth round): digits, Chinese
numerals with 万/千/百, 大写 figures, round sums. GR-GRAFT found 「索要2000元红包」 and missed 「索要两千元红包」;
the amount is one piece of the lexicon (`pieces: amount`) used by every pattern that names a sum. Near misses:
a fine or fee legally charged, a price quoted by a shop, a private party's demand, a bonus paid by an employer.
Sentences written for these tests."""

import pytest

from rexian.text.misconduct import default_lexicon, detect_misconduct


def graft(text):
    return [hit for hit in detect_misconduct(text, include_leads=True) if hit["family"] == "graft"]


DEMANDS = [
    "办理房产证时，不动产登记中心的工作人员暗示要给他包个两千元红包才给加快办理。",
    "派出所民警向我索要两千元红包。",
    "派出所民警向我索要2000元红包。",
    "城管队员索要贰仟元好处费才让我在路边摆摊。",
    "交警说交一千五百块钱就不扣分了，不然就扣12分。",
    "村支书收了我们三万元才给办宅基地审批手续。",
    "村支书收了我们1.5万元才给办宅基地审批手续。",
    "国土所的工作人员要了我五千块钱后才给盖章。",
    "交警罚了两百元钱却没有开票。",
    "镇政府的李某某向我们索要一万元，说是办手续的费用。",
]


@pytest.mark.parametrize("text", DEMANDS)
def test_a_demand_for_money_is_graft_whatever_way_the_amount_is_written(text):
    hits = graft(text)
    assert hits and hits[0]["kind"] == "finding", hits
    assert hits[0]["doer"] is None or hits[0]["doer"]["status"] == "public"


NEAR_MISSES = [
    "我按规定缴纳了两千元罚款，交警当场开具了罚单。",          # a fine legally charged, with its ticket
    "交警依法罚款两百元并开具了罚单。",
    "超市老板说这台冰箱要两千元，比网上贵了五百块。",           # a shop's price
    "物业公司收取了两千元装修押金，说完工后退还。",             # a private party's deposit
    "装修公司老板索要两千元红包才肯开工。",                      # a private party's demand
    "年底单位给每个职工发了两千元红包。",                        # a bonus
    "派出所民警没有收我一分钱，也没有索要两千元红包。",          # a denial
    "不知道窗口的工作人员是不是想要两千元红包？",                # a question
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_a_legal_charge_a_price_or_a_private_demand_is_not_graft(text):
    assert not [hit for hit in graft(text) if hit["kind"] == "finding"]


def test_the_amount_is_declared_once_and_reaches_every_pattern_that_names_a_sum():
    lexicon = default_lexicon()
    amount_patterns = [p for p in lexicon.phrases if p.pattern.search("索要两千元") or p.pattern.search("罚了两百元没开票")]
    assert amount_patterns
    assert not any("{amount}" in p.pattern.pattern for p in lexicon.phrases)
    for written in ("2000元", "两千元", "贰仟元", "1.5万元", "三万块钱", "一千五百块", "好几千块"):
        assert any(p.pattern.search(f"民警索要{written}红包") for p in lexicon.phrases), written
