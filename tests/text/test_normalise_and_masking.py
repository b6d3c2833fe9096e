import pytest
from hypothesis import given, strategies as st

from rexian.text.masking import find_personal_data, id_card_is_valid, luhn_is_valid, mask_personal_data
from rexian.text.normalisation import normalise


def test_full_width_letters_and_digits_become_half_width_but_chinese_punctuation_stays():
    assert normalise("Ａ３区１２３号，门口") == "A3区123号，门口"


def test_traditional_characters_become_simplified():
    assert normalise("這個社區的環境衛生問題嚴重") == "这个社区的环境卫生问题严重"


def test_ascii_punctuation_between_chinese_becomes_chinese_and_quotes_are_unified():
    assert normalise("垃圾没人管,怎么办?「物业」说不归他们") == "垃圾没人管，怎么办？“物业”说不归他们"


def test_web_whitespace_tabs_and_zero_width_spaces_disappear_between_chinese():
    assert normalise("\n\t\t座落在\u3000A市\u200b联丰路 \xa0米兰春天\n") == "座落在A市联丰路米兰春天"


def test_times_keep_their_colon():
    assert normalise("晚上10：30以后") == "晚上10:30以后"


def test_empty_and_none_give_empty_text():
    assert normalise(None) == "" and normalise("") == ""


def _id_with_check(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


def _luhn_complete(body: str) -> str:
    for digit in "0123456789":
        if luhn_is_valid(body + digit):
            return body + digit
    raise AssertionError


def test_a_valid_id_card_number_in_text_is_masked_keeping_region_and_last_four():
    number = _id_with_check("43010219850612123")
    masked = mask_personal_data(f"我的身份证号{number}，补贴没到")
    assert masked == f"我的身份证号{number[:6]}********{number[-4:]}，补贴没到"


def test_an_id_shaped_number_with_a_wrong_check_digit_is_not_an_id_card():
    number = _id_with_check("43010219850612123")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert not id_card_is_valid(wrong)
    assert all(datum.kind != "id_card" for datum in find_personal_data(f"编号{wrong}"))


def test_an_id_with_an_impossible_birth_date_is_not_an_id_card():
    assert not id_card_is_valid(_id_with_check("43010219851332123"))


def test_bank_cards_are_masked_only_when_the_luhn_check_passes():
    card = _luhn_complete("622202123456789012")
    assert mask_personal_data(f"卡号{card}") == f"卡号{card[:4]}{'*' * (len(card) - 8)}{card[-4:]}"
    not_card = card[:-1] + str((int(card[-1]) + 1) % 10)
    assert mask_personal_data(f"订单号{not_card}") == f"订单号{not_card}"


def test_a_bank_card_written_in_groups_of_four_is_masked():
    card = _luhn_complete("411111111111111")
    grouped = " ".join(card[i:i + 4] for i in range(0, 16, 4))
    assert mask_personal_data(f"卡号 {grouped} 谢谢") == f"卡号 {card[:4]} **** **** {card[-4:]} 谢谢"


@pytest.mark.parametrize("text, expected", [
    ("电话13812345678联系我", "电话138****5678联系我"),
    ("座机0731-84561234", "座机0731-****1234"),
    ("+86 139 1234 5678", "+86 139 **** 5678"),
])
def test_mobile_and_landline_numbers_are_masked(text, expected):
    assert mask_personal_data(text) == expected


def test_amounts_dates_and_short_numbers_are_left_alone():
    text = "2019年5月17日赔偿12345678元，楼栋20栋，编号201905170001"
    assert mask_personal_data(text) == text


def test_a_phone_number_glued_inside_a_longer_digit_run_is_not_a_phone():
    assert mask_personal_data("流水号9913812345678123") == "流水号9913812345678123"


@given(st.text(alphabet="0123456789 -市区路号电话，。", max_size=60))
def test_masking_never_changes_the_length_or_the_non_digit_characters(text):
    masked = mask_personal_data(text)
    assert len(masked) == len(text)
    assert all(a == b or (b == "*" and a.isdigit()) for a, b in zip(text, masked))


@pytest.mark.parametrize("text, masked", [
    ("住幸福路18号，门口积水", "住幸福路**号，门口积水"),
    ("幸福小区3栋2单元501室漏水", "幸福小区*栋*单元***室漏水"),
    ("王家村5组12号的狗咬人", "王家村5组**号的狗咬人"),
])
def test_an_addresses_house_numbers_are_masked_when_asked_for_and_the_road_stays(text, masked):
    assert mask_personal_data(text, kinds=("address",)) == masked
    assert mask_personal_data(text) == text  # not among the default kinds


@pytest.mark.parametrize("text", ["11月18号晚上又吵到半夜", "地铁3号线停运", "市政府5号文件规定", "第3号窗口排长队"])
def test_a_date_a_metro_line_a_document_or_a_counter_is_not_an_address(text):
    assert mask_personal_data(text, kinds=("address",)) == text
