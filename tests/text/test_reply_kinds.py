"""The kinds of perfunctory reply (acknowledgement only, forward only, boilerplate, off-topic), each with a
near miss, and the measurement on the Teddy replies against labels drawn and written before the rules
changed (tests/text/data/teddy_reply_labels.csv: ids and labels only)."""

import csv
from pathlib import Path

import pytest

from rexian.text.replies import REPLY_KINDS, is_perfunctory, reply_kind, reply_scores

COMPLAINT = "小区楼下烧烤店每晚营业到凌晨两点，油烟和噪音扰民，请相关部门管一管。"


def kind(reply, complaint=COMPLAINT):
    return reply_kind(reply_scores(reply, complaint, title="烧烤店噪音油烟扰民"), reply)


def test_a_receipt_and_a_date_is_an_acknowledgement_only():
    assert kind("网友：您好！您的留言已收悉。2019年3月2日") == "acknowledgement_only"


def test_passing_the_matter_to_a_department_without_an_outcome_is_a_forward_only():
    assert kind("您好，您所反映的问题，已转交相关部门调查处置。") == "forward_only"
    assert kind("网友：您好！因该事项不属于我局管辖范围，建议您向区生态环境局反映，联系电话0731-00000000。") == "forward_only"


def test_a_forward_followed_by_what_the_department_did_is_an_answer():
    reply = ("您好，您反映的问题已转交区城管执法大队。执法队员于3月3日到现场核查，责令烧烤店安装油烟净化器，"
             "营业时间调整至22点，现已整改到位。")
    assert kind(reply) is None


HOW_TO = "请问居住证怎么办理？需要带什么？"


def test_saying_where_to_get_done_what_the_citizen_asked_how_to_do_is_an_answer():
    reply = "网友：你好。留言收悉。办理居住证请携带身份证到居住地派出所户籍窗口办理即可。谢谢。"
    assert reply_kind(reply_scores(reply, HOW_TO, title="居住证怎么办理"), reply) is None


def test_sending_a_how_to_question_elsewhere_to_ask_is_still_a_forward_only():
    reply = "网友：你好。留言收悉。居住证的问题请到居住地派出所咨询。谢谢。"
    assert reply_kind(reply_scores(reply, HOW_TO, title="居住证怎么办理"), reply) == "forward_only"


def test_where_to_apply_does_not_answer_a_complaint_that_asked_nothing_of_the_kind():
    reply = "您好。残疾人相关政策请到残联咨询，生活困难的可以到当地申请低保。"
    complaint = "残疾人生活很困难，希望政府提高补贴。"
    assert reply_kind(reply_scores(reply, complaint, title="提高残疾人补贴"), reply) == "forward_only"


def test_asking_for_the_details_needed_to_investigate_is_neither_off_topic_nor_a_forward():
    reply = "网友：你好！你反映的问题我们进行了调查无法核实，请提供车牌号码和联系方式，以便我们调查取证。"
    assert kind(reply, "年检站收费380元不开收据，收费项目不透明。") is None


def test_sending_the_citizen_to_a_hotline_to_give_details_is_still_a_forward_only():
    reply = "尊敬的网友：您好！您反映的问题已转交至工商部门，因反映信息不详，建议您直接拨打12315告知。"
    assert kind(reply, "年检站收费380元不开收据，收费项目不透明。") == "forward_only"


def test_a_known_non_answer_is_boilerplate():
    scores = reply_scores("您反映的问题我们已经收到，会尽快处理，请耐心等待。", COMPLAINT)
    assert reply_kind(scores, "您反映的问题我们已经收到，会尽快处理，请耐心等待。") in ("boilerplate", "acknowledgement_only")


def test_a_vague_reply_about_another_matter_is_off_topic_and_a_specific_relevant_one_is_not():
    assert kind("网友您好：关于公园绿化养护的建议，我们将认真研究，统筹考虑。") == "off_topic"
    assert kind("网友您好：3月3日执法人员到烧烤店现场检查，责令其安装油烟净化设施，夜间22点后停止营业，已整改。") is None


def test_the_reason_given_names_the_kind():
    reply = "您好，您所反映的问题，已转交相关部门调查处置。"
    assert is_perfunctory(reply_scores(reply, COMPLAINT), reply=reply)[0] == REPLY_KINDS["forward_only"]


LABELS = Path(__file__).parent / "data" / "teddy_reply_labels.csv"


@pytest.mark.realdata
def test_perfunctory_replies_on_the_teddy_sample_keep_recall_0_95_and_precision_0_9(teddy_dir):
    # Measured 2026-12-05: recall 1.00 (24/24), precision 0.83 (24/29); after the how-to and details-request
    # readings (same day, labels untouched): recall 1.00 (24/24), precision 0.92 (24/26); the two left are
    # relevance misjudgements (a plan stated in other words, a procedure answering a suggestion).
    from rexian.text.evaluation import evaluate_replies

    with open(LABELS, encoding="utf-8") as handle:
        labels = {int(row["id"]): row["perfunctory"] == "1"
                  for row in csv.DictReader(line for line in handle if not line.startswith("#"))}
    rows = evaluate_replies(teddy_dir / "sample_replies.xlsx")
    assert {row["id"] for row in rows} == set(labels)
    flagged = {row["id"] for row in rows if row["flags"]}
    truth = {tid for tid, perfunctory in labels.items() if perfunctory}
    hits = len(flagged & truth)
    assert hits / len(truth) >= 0.95 and hits / len(flagged) >= 0.9, (sorted(flagged - truth), sorted(truth - flagged))
