"""Place keys and address parts: administrative units, house numbers and buildings are not place names."""

import pytest

from rexian.text.places import AddressParts, address_parts, place_keys


@pytest.mark.parametrize("address, expected", [
    ("滨江市西城区金桥街道柳营路12号院", ["柳营路"]),
    ("西城区金桥街道临港路415号教师公寓", ["临港路", "教师公寓"]),
    ("新港区新港街道学府街42号春晖苑", ["学府街", "春晖苑"]),
    ("北塘区北塘街道解放街223号安居小区3期", ["解放街", "安居"]),
    ("岳麓区桂花坪街道韶山南路138号金色家园5栋2单元", ["韶山南路", "金色家园"]),
    ("开福区伍家岭街道新河路23号院3号楼", ["新河路"]),
    ("南山区解放路与和平路交叉口", ["解放路", "和平路"]),
    ("梅溪湖街道枫林三路与雷锋大道交汇处", ["枫林三路", "雷锋大道"]),
    ("城南西路明德小区8号楼", ["城南西路", "明德"]),
    ("新河镇人民路8号", ["人民路"]),
    ("天心区坡子街巷子口", ["坡子街"]),
])
def test_an_address_gives_its_road_and_compound_without_district_street_office_or_numbers(address, expected):
    assert place_keys(address) == expected


def test_a_street_office_inside_a_sentence_is_not_read_as_a_road_named_after_it():
    assert place_keys("我住在西城区金桥街道柳营路的和平小区") == ["柳营路", "和平"]


def test_the_same_compound_gives_the_same_key_whether_the_district_is_written_or_not():
    assert place_keys("反映东城区幸福里小区油烟") == place_keys("东城区幸福里小区") == ["幸福里"]
    assert place_keys("反映宁乡市幸福里小区的问题") == ["幸福里"]


def test_a_street_word_that_is_not_a_place_still_gives_nothing():
    assert place_keys("小区的围墙和路灯坏了") == []


@pytest.mark.parametrize("address, parts", [
    ("滨江市西城区金桥街道柳营路12号院3号楼",
     AddressParts(city="滨江市", district="西城区", street_office="金桥街道", road="柳营路", number="12号院", building="3号楼")),
    ("北塘区北塘街道解放街223号安居小区3期",
     AddressParts(district="北塘区", street_office="北塘街道", road="解放街", number="223号", compound="安居小区", building="3期")),
    ("岳麓区桂花坪街道韶山南路138号金色家园5栋2单元",
     AddressParts(district="岳麓区", street_office="桂花坪街道", road="韶山南路", number="138号", compound="金色家园",
                  building="5栋2单元")),
    ("城南西路明德小区8号楼", AddressParts(road="城南西路", compound="明德小区", building="8号楼")),
    ("东城区幸福里小区", AddressParts(district="东城区", compound="幸福里小区")),
    ("长沙县星沙街道开元东路1号", AddressParts(district="长沙县", street_office="星沙街道", road="开元东路", number="1号")),
    ("新河镇人民路8号", AddressParts(street_office="新河镇", road="人民路", number="8号")),
    ("南山区解放路与和平路交叉口", AddressParts(district="南山区", road="解放路与和平路交叉口")),
    ("A市A3区梅溪湖看云路润芳园小区", AddressParts(city="A市", district="A3区", road="梅溪湖看云路", compound="润芳园小区")),
])
def test_an_address_splits_into_district_street_office_road_number_compound_and_building(address, parts):
    assert address_parts(address) == parts


def test_a_missing_address_has_no_parts():
    assert address_parts(None) == AddressParts() and address_parts("nan") == AddressParts()


def test_a_kind_of_hospital_or_a_word_ending_in_a_road_character_is_not_a_place():
    assert place_keys("医保定点医院拒绝报销。地点：东城区源旺梅新村") == ["源旺梅新村"]
    assert place_keys("预付卡老板跑路了") == []
