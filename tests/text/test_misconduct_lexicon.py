"""The lexicon written from knowledge of how citizens say it (issue 18, ninth round), not from letters: each
meaning class added has reports in the style of real letters that must be findings, with the doer a public
servant, and near misses that must not be (a private doer, a denial, a suspicion, a figure of speech, the
citizen's own money). Also: a question word doubts its own clause only, and 收 inside 征收 is no taking.
Sentences written for these tests."""

import pytest

from rexian.text.doers import PUBLIC
from rexian.text.misconduct import detect_misconduct


def finding_of(text, family, act):
    return next((h for h in detect_misconduct(text) if h["family"] == family and h["act"] == act), None)


def findings(text, family):
    return [h for h in detect_misconduct(text) if h["family"] == family]


# (family, act label, reports that must be findings, near misses that must not be findings of the family)
CLASSES = [
    ("hostile_attitude", "态度恶劣",
     ["社保局窗口的工作人员态度很是恶劣，问两句就不耐烦。",
      "派出所值班民警态度极其的粗鲁，让我们在外面等着。",
      "城管队员态度非常不礼貌，当着围观的人推我的三轮车。"],
     ["培训机构的老师态度很是恶劣，退费一拖再拖。",                     # a private doer
      "街道办的施工队改造楼道，施工态度太过野蛮。",                      # a body's manner of work, not rudeness
      "社区工作人员态度并不粗鲁，只是没有解决问题。"]),                  # a denial
    ("hostile_attitude", "辱骂群众",
     ["村支书指着我的鼻子骂，说我再去上访就让我好看。",
      "镇综治办主任当着众人满嘴脏话，骂老百姓是刁民。",
      "执法队员口出狂言，骂摊贩不识抬举。"],
     ["小区保安满嘴脏话，骂业主多管闲事。",                              # a private doer
      "邻居天天在楼下骂街，吵得孩子无法学习。"]),                        # nobody public
    ("hostile_attitude", "呵斥群众",
     ["我去国土所咨询，所长对我大喊大叫，叫我出去。",
      "办事大厅的科长对着我们吼，说不办就是不办。",
      "交警中队的辅警冲我们大发雷霆，说我们耽误他的时间。"],
     ["楼上住户半夜大喊大叫，严重影响休息。",                            # neighbours, no one toward the citizen
      "物业经理对我们发脾气，说物业费一分不能少。"]),                    # a private doer
    ("hostile_attitude", "嘲讽羞辱",
     ["我们反映漏水问题，社区主任阴阳怪气地说住不了就搬走。",
      "信访局的科长取笑我们，说我们农民不懂法。"],
     ["开发商的销售人员阴阳怪气，说买不起就别看。",                      # a private doer
      "这个政策是愚弄百姓的工具，希望政府重视。"]),                      # said of a policy (not in the class)
    ("hostile_attitude", "威胁恐吓",
     ["拆迁办的王主任放话，说我们不签就走着瞧，让我们吃不了兜着走。",
      "村主任说我再去举报就给我穿小鞋。",
      "民警逼我签字才能拿走材料。",
      "镇政府工作人员强迫我们签订搬迁协议。"],
     ["开发商强迫业主签订不平等的收房协议。",                            # a private doer
      "物业公司的人威胁我们，不交钱就停水。",
      "我们家长敢怒不敢言，怕孩子在学校被穿小鞋。"]),                  # a fear, nobody named
    ("hostile_attitude", "推搡殴打",
     ["城管队员揪住我父亲的衣领，把他按在车上。",
      "派出所的辅警踢了我两脚，还把我拖出大厅。",
      "信访办的工作人员当面撕毁了我的信访材料。",
      "派出所的民警把我们轰了出去，还锁上了大门。"],
     ["施工队的人拉扯我母亲，不让她拍照。",                              # a private doer
      "公示栏上的投票结果被人随意撕扯。"]),                              # a notice torn, not a person
    ("hostile_attitude", "强行带走关押",
     ["我去镇政府反映问题，综治办的人把我关进小黑屋，关了一天一夜。"],
     ["培训学校的老师把孩子关在小黑屋里罚站。"]),                        # a private doer
    ("hostile_attitude", "蛮横霸道",
     ["城管中队的执法人员非常霸道，不听任何解释就扣车。",
      "村主任在村里耍横，谁提意见就不给谁盖章。"],
     ["开发商太霸道，强行收取装修押金。",                                # a private doer
      "这些渣土车横行霸道，凭什么不管？"]),                              # vehicles, not in the class
    ("graft", "索要好处费",
     ["村里办宅基地证，村支书要我们每户交五百元茶水钱。",
      "我们的货车每次经过，那几个路政员都要收两百元买路钱。"],
     ["我们在外打工的辛苦钱被骗子骗走了。",                              # the citizen's earnings
      "中介公司收取了两千元好处钱，承诺包办。"]),                        # a private doer
    ("graft", "收受好处",
     ["镇上的执法队长捞了不少好处，对违建睁一只眼闭一只眼。",
      "这个所长拿人手短，对老板的违建一直睁一只眼闭一只眼。"],
     ["物业经理捞了不少好处，业主意见很大。",                            # a private doer
      "这件事上谁都得不到好处。"]),                                      # nobody, no taking
    ("graft", "暗示送钱送物",
     ["办证大厅的科员暗示我们要表示一下，不然就一直拖着。"],
     ["装修公司的业务员暗示我们要送点礼给工头。"]),                      # a private doer
    ("graft", "白吃白拿",
     ["市场管理所的几个工作人员经常到店里白吃白喝，吃饭从不给钱。",
      "城管队长在我的饭店签单不给钱，已经欠了一万多。"],
     ["有顾客在我店里白吃白喝，吃完就跑。",                              # a customer, nobody public
      "公司老板打白条，拖欠工人工资。"]),                                # a private doer
    ("graft", "索贿受贿",
     ["国土所所长收受好处，把集体土地批给了开发商。"],
     ["我们没有给任何人送过贿款。"]),                                    # a denial
    ("embezzlement", "挪用公款",
     ["村会计把修路的专项资金挪作他用，路至今没修。"],
     ["开发商已将业主的购房款挪作他用。"]),                              # a private doer
    ("embezzlement", "贪污侵吞",
     ["村支书损公肥私，把集体鱼塘低价包给自己亲戚。",
      "村主任贪了我们组的征地补偿款，至今不公开账目。"],
     ["村支书没有贪墨一分钱，账目都公开了。"]),                          # a denial
    ("improper_banquet", "吃喝饭局",
     ["社区书记天天跟开发商老板胡吃海喝，小区的问题没人管。"],
     ["老板们在酒楼胡吃海喝，喝到半夜才散。"]),                          # private diners
    ("improper_banquet", "工作时间饮酒",
     ["执法队的队长上班时间喝酒，满身酒气来处理纠纷。",
      "派出所的民警酒后执法，把我们骂了一顿。"],
     ["楼下烧烤摊的食客喝得醉醺醺，大声喧哗。"]),                        # private diners
    ("improper_banquet", "违规操办婚丧喜庆",
     ["镇长给儿子大操大办婚礼，摆了五十多桌。"],
     ["邻居家大操大办婚礼，鞭炮放了一整天。"]),                          # a private family
    ("improper_banquet", "接受宴请",
     ["城管中队长多次接受商户的招待，对占道经营不管不问。"],
     ["我们小区的业主委员会接受了物业公司的招待。"]),                    # a private body
]


@pytest.mark.parametrize("family,act,reports,near_misses", CLASSES, ids=[f"{row[0]}-{row[1]}" for row in CLASSES])
def test_each_class_written_from_knowledge_finds_its_reports_and_sets_its_near_misses_aside(family, act, reports,
                                                                                           near_misses):
    for report in reports:
        hit = finding_of(report, family, act)
        assert hit is not None, (report, detect_misconduct(report, include_suppressed=True))
        assert hit["doer"] is not None and hit["doer"]["status"] == PUBLIC, (report, hit["explanation"])
    for near_miss in near_misses:
        assert not findings(near_miss, family), (near_miss, findings(near_miss, family))


def test_a_question_word_doubts_its_own_clause_not_the_act_after_it():
    text = "我也不清楚那个借条是否有效，民警逼我签字才能拿走。"
    hit = finding_of(text, "hostile_attitude", "威胁恐吓")
    assert hit is not None and hit["assertion"] == "report", detect_misconduct(text, include_leads=True)


def test_a_question_word_in_the_acts_own_clause_still_makes_it_a_lead():
    text = "不知道民警是否有逼我签字，请调查。"
    hits = detect_misconduct(text, include_leads=True)
    assert not findings(text, "hostile_attitude")
    assert any(h["kind"] == "lead" and h["assertion"] == "suspicion" for h in hits), hits


def test_a_levy_is_not_money_taken_for_a_service():
    text = "政府征收农民土地，一户人家征收200万就要被扣32万，这些钱去哪里了。"
    assert not findings(text, "graft"), findings(text, "graft")
    assert findings("派出所的民警收了我们两千元就放人了。", "graft")


# The same act of a class written here, said in each way an inspection officer keeps apart.
SAID = [
    ("派出所所长经常到店里白吃白喝，吃饭从不给钱。", "graft", "finding", "report"),
    ("怀疑派出所所长在店里白吃白喝，请查一查。", "graft", "lead", "suspicion"),
    ("派出所所长是不是经常在店里白吃白喝？", "graft", "lead", "suspicion|question"),
    ("如果派出所所长再来店里白吃白喝，我们就投诉。", "graft", None, "hypothesis"),
    ("派出所所长从来没有白吃白喝，每次都付了钱。", "graft", None, "denial"),
    ("公职人员严禁到商户白吃白喝。", "graft", None, "rule"),
    ("村主任说我们不签就走着瞧。", "hostile_attitude", "finding", "report"),
    ("听说村主任放话让我们走着瞧，不知真假。", "hostile_attitude", "lead", "suspicion"),
    ("万一村主任说走着瞧，我们怎么办。", "hostile_attitude", None, "hypothesis"),
    ("有村民骂民警满嘴脏话。", "hostile_attitude", None, None),                  # the official is not the one who swore
    ("镇长大操大办婚礼，摆了五十多桌。", "improper_banquet", "finding", "report"),
    ("据说镇长给儿子大操大办婚礼。", "improper_banquet", "lead", "suspicion"),
    ("镇长没有大操大办婚礼，只请了亲戚。", "improper_banquet", None, "denial"),
]


@pytest.mark.parametrize("text,family,kind,assertion", SAID, ids=[row[0] for row in SAID])
def test_an_act_of_the_new_classes_is_a_finding_only_when_reported_as_fact(text, family, kind, assertion):
    hits = [h for h in detect_misconduct(text, include_suppressed=True) if h["family"] == family]
    if kind is None:
        assert not [h for h in hits if h["kind"] in ("finding", "lead")], hits
    else:
        assert hits and hits[0]["kind"] == kind, hits
    if assertion is not None:
        assert hits and hits[0]["assertion"] in assertion.split("|"), hits
