"""A name the writer gives as their own is personal data inside the words; other names are not."""

import pytest

from rexian.text.masking import mask_name, mask_names, mask_personal_data, quoted_from

NAMES = ("phone", "name")


@pytest.mark.parametrize("text, masked", [
    ("我叫王建国，住幸福小区", "我叫王**，住幸福小区"),
    ("我叫张伟住在幸福小区", "我叫张*住在幸福小区"),  # the name ends where the next clause begins
    ("本人刘洋家住东门", "本人刘*家住东门"),
    ("本人王强住幸福小区3栋", "本人王*住幸福小区3栋"),
    ("姓名：李梅 电话13812345678", "姓名：李* 电话138****5678"),
    ("反映人:赵一", "反映人:赵*"),
    ("我是欧阳娜娜，家住东门", "我是欧阳**，家住东门"),
    ("本人姓名：张三丰，", "本人姓名：张**，"),
])
def test_a_self_introduced_name_keeps_only_its_surname(text, masked):
    assert mask_personal_data(text, NAMES) == masked


@pytest.mark.parametrize("text", [
    "街道办李强主任推诿",  # an official complained about: not the writer
    "我是业主", "我是和平路居民", "我是幸福小区居民", "我是周边居民", "本人是一名退休教师",
    "本人向街道反映多次", "本人于3月5日", "我是王局长的邻居", "我是林业局的", "联系人：匿名", "我是张先生",
    "我是和平里的居民", "您好，我是金色家园的居民", "我是张伟的家属",  # 「我是X的…」: X is not the writer
])
def test_near_misses_are_left_as_written(text):
    assert mask_personal_data(text, NAMES) == text


def test_names_are_not_looked_for_unless_asked():
    assert mask_personal_data("我叫王建国") == "我叫王建国"


def test_a_known_name_is_masked_wherever_it_occurs_and_a_double_surname_stays_whole():
    assert mask_names("王建国说，王建国家门口", ["王建国", "", None]) == "王**说，王**家门口"
    assert mask_name("欧阳娜娜") == "欧阳**" and mask_name("李梅") == "李*"


def test_a_passage_is_a_quotation_only_when_it_copies_more_than_the_words_themselves():
    title = "关于幸福小区门口烧烤油烟的问题"
    quoting = "您反映的幸福小区门口烧烤油烟问题已处理"
    assert quoted_from(quoting, quoting.index("幸福小区"), quoting.index("幸福小区") + 4, title)
    living = "我住幸福小区门口"
    assert not quoted_from(living, 2, 6, title)  # two characters more than the estate: not a quotation


def test_a_placeholder_in_the_name_field_is_not_masked_in_the_words():
    assert mask_names("市民反映：匿名来电，市民很着急", ["市民", "匿名"]) == "市民反映：匿名来电，市民很着急"
