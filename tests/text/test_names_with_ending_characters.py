"""A given name may hold a character that also ends a name (向 和 现: 张向东 李和平 王现明): such a name is masked as any
other, while those characters still end a name (「我叫张伟和妻子一起」) and a sentence that only looks like one is left
as written (「本人王向您反映」「我是刘向东路的居民」)."""

import pytest

from rexian.text.masking import find_personal_data, mask_personal_data


@pytest.mark.parametrize("text, masked", [
    ("我叫张向东，住幸福小区3栋", "我叫张**，住幸福小区3栋"),
    ("本人李和平住在东门外", "本人李**住在东门外"),
    ("我父亲王现明摔伤了，没人管", "我父亲王**摔伤了，没人管"),
    ("我叫喻和平，男，现年66岁", "我叫喻**，男，现年66岁"),  # as the Teddy texts have it
    ("姓名：李和平", "姓名：李**"),
    ("我爱人刘向前一人在家", "我爱人刘**一人在家"),
])
def test_a_name_whose_given_part_begins_with_an_ending_character_is_masked(text, masked):
    assert mask_personal_data(text, ("name",)) == masked
    assert [datum.kind for datum in find_personal_data(text, ("name",))] == ["name"]


@pytest.mark.parametrize("text", [
    "本人王向您反映一个问题", "本人张向街道反映多次", "我是刘向东路的居民", "我是张向阳小区的业主", "本人陈和妻子反映",
    "我是王和张的邻居", "本人于今年三月搬来", "我是和平里的居民", "本人向街道反映", "我是王局长的邻居",
    "本人周对此很不满", "我是李现住户",
])
def test_a_sentence_that_only_looks_like_such_a_name_is_left_as_written(text):
    assert mask_personal_data(text, ("name",)) == text


def test_those_characters_still_end_a_two_character_name():
    assert mask_personal_data("我叫张伟和妻子一起来的", ("name",)) == "我叫张*和妻子一起来的"
    assert mask_personal_data("我叫张伟现住幸福小区", ("name",)) == "我叫张*现住幸福小区"
