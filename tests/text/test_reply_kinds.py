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
def test_perfunctory_replies_on_the_teddy_sample_keep_recall_0_95_and_precision_0_8(teddy_dir):
    # Measured 2026-12-05: recall 1.00 (24/24), precision 0.83 (24/29); the precision target of 0.9 is
    # not met (three relevance misjudgements, two procedural answers read as referrals). This guards the level.
    from rexian.text.evaluation import evaluate_replies

    with open(LABELS, encoding="utf-8") as handle:
        labels = {int(row["id"]): row["perfunctory"] == "1"
                  for row in csv.DictReader(line for line in handle if not line.startswith("#"))}
    rows = evaluate_replies(teddy_dir / "sample_replies.xlsx")
    assert {row["id"] for row in rows} == set(labels)
    flagged = {row["id"] for row in rows if row["flags"]}
    truth = {tid for tid, perfunctory in labels.items() if perfunctory}
    hits = len(flagged & truth)
    assert hits / len(truth) >= 0.95 and hits / len(flagged) >= 0.8, (sorted(flagged - truth), sorted(truth - flagged))
