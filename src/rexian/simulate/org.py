"""The synthetic city's organisation: hotline centre, ~40 departments with a few district branches, five
district governments, 15 street offices, 100 communities, people in every role, a two-level category tree
and the responsibility catalogue.

Everything is produced as organisation *changes* (the format of `rexian.domain.org_changes`), so the same
list can be checked by `plan_changes`, applied to a database through `apply_org_changes`, or written as
interchange files. The result depends only on the seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from rexian.domain.org import Organisation
from rexian.domain.org_changes import plan_changes
from rexian.simulate.names import person_name

CITY = "滨江市"
CENTRE = "C00"
# (area code, district name, street offices, their community counts)
DISTRICTS = [
    ("330201", "东湖区", ["湖滨街道", "东园街道", "望江街道"], [7, 7, 6]),
    ("330202", "西城区", ["西关街道", "金桥街道", "文昌街道"], [7, 6, 7]),
    ("330203", "南山区", ["南苑街道", "翠屏街道", "龙泉街道"], [7, 6, 7]),
    ("330204", "北塘区", ["北塘街道", "新河街道", "柳营街道"], [6, 7, 7]),
    ("330205", "新港区", ["新港街道", "滨海街道", "临港街道"], [7, 6, 6]),
]
COMMUNITY_WORDS = ("幸福", "和平", "阳光", "春晖", "锦绣", "翠竹", "丽园", "民生", "长青", "紫荆", "银杏",
                   "明珠", "嘉禾", "福泰", "安居", "新华", "兴隆", "桂花", "梧桐", "康乐", "滨河", "晓园",
                   "景苑", "泰和", "金色", "望湖", "清泉", "青山", "朝阳", "光明", "星河", "松涛", "怡景",
                   "瑞丰", "永安", "东风", "红旗", "秀水", "花港", "荷塘")

# (unit id, name, departments with district branches get a branch per district)
DEPARTMENTS = [
    ("D01", "市住房和城乡建设局"), ("D02", "市生态环境局"), ("D03", "市市场监督管理局"), ("D04", "市交通运输局"),
    ("D05", "市人力资源和社会保障局"), ("D06", "市城市管理局"), ("D07", "市教育局"), ("D08", "市卫生健康委员会"),
    ("D09", "市文化广电旅游局"), ("D10", "市商务局"), ("D11", "市公安局交通警察支队"), ("D12", "市水利局"),
    ("D13", "市园林绿化局"), ("D14", "市自然资源和规划局"), ("D15", "市民政局"), ("D16", "市医疗保障局"),
    ("D17", "市应急管理局"), ("D18", "市农业农村局"), ("D19", "市房产管理服务中心"), ("D20", "市税务局"),
    ("D21", "国网滨江供电公司"), ("D22", "市自来水有限公司"), ("D23", "市燃气集团"), ("D24", "市公交集团"),
    ("D25", "市轨道交通集团"), ("D26", "市城市建设投资集团"), ("D27", "市信访局"), ("D28", "市司法局"),
    ("D29", "市退役军人事务局"), ("D30", "市残疾人联合会"), ("D31", "市妇女联合会"), ("D32", "市体育局"),
    ("D33", "市发展和改革委员会"), ("D34", "市财政局"), ("D35", "市住房公积金管理中心"), ("D36", "市邮政管理局"),
    ("D37", "市通信管理办公室"), ("D38", "市数据资源管理局"), ("D39", "市城市更新局"), ("D40", "市政务服务管理办公室"),
]
BRANCHES = {"D02": "生态环境分局", "D03": "市场监督管理所", "D06": "城管执法大队"}

# Top categories and their leaves: (code, name, handle_days, urgent_hours, lead) where lead is a
# department id, or "street" for matters the street office of the place handles.
CATEGORIES = [
    ("01", "城乡建设", 5, None, [("0101", "市政设施维护", "D06"), ("0102", "违法建设", "street"),
                              ("0103", "道路破损", "D06"), ("0104", "路灯照明", "D06"),
                              ("0105", "施工扰民", "D01"), ("0106", "老旧小区改造", "D39")]),
    ("02", "环境保护", 5, None, [("0201", "油烟污染", "D02"), ("0202", "噪声扰民", "D02"),
                              ("0203", "垃圾清运", "street"), ("0204", "污水排放", "D02"),
                              ("0205", "异味废气", "D02")]),
    ("03", "交通运输", 5, None, [("0301", "公交服务", "D24"), ("0302", "出租车网约车", "D04"),
                              ("0303", "违章停车", "D11"), ("0304", "交通信号设施", "D11"),
                              ("0305", "地铁服务", "D25")]),
    ("04", "劳动和社会保障", 7, None, [("0401", "拖欠工资", "D05"), ("0402", "社保缴纳", "D05"),
                                  ("0403", "医保报销", "D16"), ("0404", "养老服务", "D15"),
                                  ("0405", "就业创业", "D05")]),
    ("05", "教育文体", 7, None, [("0501", "学校管理", "D07"), ("0502", "校外培训", "D07"),
                              ("0503", "招生入学", "D07"), ("0504", "文体场馆", "D32"),
                              ("0505", "文化娱乐场所", "D09")]),
    ("06", "卫生计生", 5, None, [("0601", "医疗服务", "D08"), ("0602", "疫苗接种", "D08"),
                              ("0603", "医德医风", "D08"), ("0604", "生育服务", "D08")]),
    ("07", "商贸旅游", 7, None, [("0701", "旅游投诉", "D09"), ("0702", "预付卡消费", "D10"),
                              ("0703", "商场超市", "D10"), ("0704", "农贸市场", "D10")]),
    ("08", "市场监管", 7, None, [("0801", "食品安全", "D03"), ("0802", "消费纠纷", "D03"),
                              ("0803", "价格违法", "D03"), ("0804", "无证经营", "D03"),
                              ("0805", "产品质量", "D03")]),
    ("09", "住房物业", 5, None, [("0901", "物业服务", "street"), ("0902", "电梯故障", "D03"),
                              ("0903", "房屋漏水", "street"), ("0904", "停车收费", "street"),
                              ("0905", "维修基金", "D19"), ("0906", "房产交易", "D19")]),
    ("10", "城市公用", 3, 24, [("1001", "停水", "D22"), ("1002", "停电", "D21"), ("1003", "燃气", "D23"),
                             ("1004", "供暖", "D26"), ("1005", "通信网络", "D37")]),
    ("11", "绿化园林", 5, None, [("1101", "树木修剪", "D13"), ("1102", "公园管理", "D13")]),
    ("12", "社会治安与应急", 3, 12, [("1201", "安全隐患", "D17"), ("1202", "消防通道", "D17")]),
    ("13", "政务服务", 5, None, [("1301", "办事效率", "D40"), ("1302", "工作作风", "D40"),
                              ("1303", "税费咨询", "D20"), ("1304", "公积金", "D35")]),
]
URGENT_LEAVES = {"1001": 12, "1002": 8, "1003": 4, "0801": 24, "0401": 24, "1201": 12}
CENTRE_STAFF = {"agent": 36, "dispatcher": 6, "reviewer": 6, "visitor": 10, "supervisor": 4, "admin": 2}


@dataclass
class City:
    """The organisation plus the lookups the simulator needs."""

    changes: list[dict]
    organisation: Organisation
    districts: list[tuple[str, str, str]]  # (area, name, district unit id)
    streets: list[tuple[str, str, str]]  # (unit id, name, area)
    communities: dict[str, list[str]]  # street unit id -> community unit ids
    branches: dict[tuple[str, str], str]  # (department, area) -> branch unit id
    leaves: list[tuple[str, str, str, str]]  # (code, name, top name, lead)
    handlers: dict[str, list[str]] = field(default_factory=dict)  # unit id -> handler person ids
    leaders: dict[str, str] = field(default_factory=dict)  # unit id -> leader person id
    centre: dict[str, list[str]] = field(default_factory=dict)  # role -> centre person ids

    def unit_name(self, unit_id: str) -> str:
        return self.organisation.units[unit_id].name

    def person_name(self, person_id: str) -> str:
        return self.organisation.people[person_id].name


def build_city(rng: random.Random) -> City:
    changes: list[dict] = [{"type": "unit", "id": CENTRE, "name": f"{CITY}12345政务服务便民热线中心",
                            "kind": "centre"}]
    for unit_id, name in DEPARTMENTS:
        changes.append({"type": "unit", "id": unit_id, "name": name, "kind": "department"})
    districts, streets, communities, branches = [], [], {}, {}
    words = list(COMMUNITY_WORDS)
    rng.shuffle(words)
    community_number = 0
    for d_index, (area, district_name, street_names, counts) in enumerate(DISTRICTS, start=1):
        district_id = f"G{d_index:02d}"
        districts.append((area, district_name, district_id))
        changes.append({"type": "unit", "id": district_id, "name": f"{CITY}{district_name}人民政府",
                        "kind": "district", "area": area})
        for dept, suffix in BRANCHES.items():
            branch_id = f"{dept}B{d_index}"
            branches[(dept, area)] = branch_id
            changes.append({"type": "unit", "id": branch_id, "name": f"{district_name}{suffix}", "kind": "other",
                            "parent": dept, "area": area})
        for s_index, (street_name, count) in enumerate(zip(street_names, counts), start=1):
            street_id = f"S{(d_index - 1) * 3 + s_index:02d}"
            streets.append((street_id, f"{district_name}{street_name}办事处", area))
            changes.append({"type": "unit", "id": street_id, "name": f"{district_name}{street_name}办事处",
                            "kind": "street", "parent": district_id, "area": area})
            communities[street_id] = []
            for _ in range(count):
                community_number += 1
                unit_id = f"M{community_number:03d}"
                word = words[(community_number - 1) % len(words)]
                suffix = "社区居委会" if community_number <= len(words) * 2 else "村委会"
                name = f"{word}{'' if community_number <= len(words) else '东'}{suffix}"
                changes.append({"type": "unit", "id": unit_id, "name": f"{street_name}{name}", "kind": "community",
                                "parent": street_id, "area": area})
                communities[street_id].append(unit_id)
    leaves = []
    for code, name, days, hours, subs in CATEGORIES:
        changes.append({"type": "category", "code": code, "name": name, "handle_days": days,
                        "urgent_hours": hours})
        for leaf_code, leaf_name, lead in subs:
            changes.append({"type": "category", "code": leaf_code, "name": leaf_name, "parent": code,
                            "urgent_hours": URGENT_LEAVES.get(leaf_code)})
            leaves.append((leaf_code, leaf_name, name, lead))
    people = _people(rng, changes, streets, communities, branches)
    for leaf_code, _, _, lead in leaves:
        if lead == "street":
            # Street matters go to the street office of the place; the catalogue names one per district
            # and dispatchers refine it by address.
            for street_id, _, area in streets[::3]:
                changes.append({"type": "catalogue", "category": leaf_code, "area": area, "lead": street_id})
        else:
            assisting = ["D06"] if lead in ("D02", "D03") else []
            changes.append({"type": "catalogue", "category": leaf_code, "lead": lead, "assisting": assisting})
    organisation = plan_changes(Organisation(), changes).organisation
    city = City(changes, organisation, districts, streets, communities, branches, leaves)
    city.handlers, city.leaders, city.centre = people
    return city


def _people(rng, changes, streets, communities, branches):
    handlers: dict[str, list[str]] = {}
    leaders: dict[str, str] = {}
    centre: dict[str, list[str]] = {}
    used: set[str] = set()

    def add(person_id: str, unit_id: str, roles: list[str]) -> None:
        name = person_name(rng, used)
        phone = f"0574-8{rng.randrange(1000000, 9999999)}"
        changes.append({"type": "person", "id": person_id, "name": name, "unit": unit_id, "roles": roles,
                        "phone": phone})

    prefixes = {"agent": "A", "dispatcher": "P", "reviewer": "R", "visitor": "V", "supervisor": "J", "admin": "X"}
    for role, count in CENTRE_STAFF.items():
        centre[role] = []
        for index in range(1, count + 1):
            person_id = f"{prefixes[role]}{index:02d}"
            add(person_id, CENTRE, [role])
            centre[role].append(person_id)
    units = [(unit_id, rng.randint(2, 6)) for unit_id, _ in DEPARTMENTS]
    units += [(street_id, rng.randint(3, 5)) for street_id, _, _ in streets]
    units += [(branch, 2) for branch in sorted(branches.values())]
    units += [(community, rng.randint(1, 2)) for street in communities.values() for community in street]
    for unit_id, count in units:
        leader = f"L{unit_id}"
        # A community's secretary leads it and handles tickets too.
        add(leader, unit_id, ["unit_leader", "handler"] if unit_id.startswith("M") else ["unit_leader"])
        leaders[unit_id] = leader
        handlers[unit_id] = []
        for index in range(1, count + 1):
            person_id = f"H{unit_id}{index:02d}"
            add(person_id, unit_id, ["handler"])
            handlers[unit_id].append(person_id)
    return handlers, leaders, centre
