"""Chinese personal names, phone numbers and place names for the synthetic city."""

from __future__ import annotations

import random
from itertools import accumulate

# Common surnames, most frequent first (weights roughly follow their real frequency).
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平 刚 桂英 建华 建国 志强 海燕 晓明 丽娟 "
         "红梅 玉兰 国庆 春燕 文 斌 鹏 辉 颖 婷 宇 浩 凯 欣怡 子涵 梓萱 雨桐 俊杰 思远 建军 海涛 秋菊 "
         "淑珍 凤英 德胜 玉珍 永刚 立新 卫东 小红 小军 晨 阳 帆 琳 倩 蕾 露 雪梅 振华 佳豪 一鸣").split()
_WEIGHTS = [1 / (i + 8) for i in range(len(SURNAMES))]
# Accumulated once: `choices` would add the weights up again on every draw (the same sums, the same names).
_CUMULATIVE = list(accumulate(_WEIGHTS))


def person_name(rng: random.Random, used: set[str] | None = None) -> str:
    for _ in range(20):
        name = rng.choices(SURNAMES, cum_weights=_CUMULATIVE)[0] + rng.choice(GIVEN)
        if used is None or name not in used:
            break
    if used is not None:
        used.add(name)
    return name


def mobile(rng: random.Random) -> str:
    return rng.choice(("13", "15", "18", "17", "19")) + f"{rng.randrange(0, 10)}{rng.randrange(10**7, 10**8)}"


COMPOUND_WORDS = ("金色家园", "阳光花园", "锦绣华庭", "翠湖苑", "滨江名都", "东方明珠", "世纪新城", "怡和苑", "康桥水岸",
                  "香樟园", "紫荆花园", "碧桂园", "万科城", "绿城桂花园", "保利天悦", "新华小区", "红旗新村",
                  "工人新村", "电力宿舍", "纺织厂宿舍", "铁路新村", "教师公寓", "和平里", "春晖苑", "望湖嘉苑",
                  "梧桐雅苑", "泰和家园", "丽景湾", "星河湾", "海棠苑", "幸福里", "安居小区", "兴隆花园", "瑞丰家园")
ROAD_WORDS = ("人民", "解放", "中山", "建设", "文化", "长江", "黄河", "和平", "新华", "滨江", "湖滨", "学府",
              "望江", "金桥", "翠屏", "龙泉", "柳营", "新河", "临港", "海晏", "开元", "宝庆", "江东", "环城")
SHOP_WORDS = ("老王烧烤", "好运来饭店", "川味小厨", "鑫鑫足浴", "华联超市", "惠民菜场", "永辉生鲜", "大润发",
              "欢乐KTV", "老街火锅", "幸福里早餐店", "金牌汽修", "一点点奶茶", "小刘五金店", "佳佳便利店")
