"""The user's own script (blind test 12, run C): unpivot the wide 工单全流程信息 sheet into flow rows.

    python tools/blind12/flatten_wide.py WIDE.xls OUT.csv

What a user writes when the docs offer no way to read numbered column groups: pandas.read_html on the HTML
".xls", then one row per filled group — a request and its audit as two rows. Written before reading src/.
"""

import re
import sys

import pandas as pd

# group stem → (time column, actor, actor unit, target unit, note, action word or a column holding it)
STEPS = [
    ("派单时间", "派单人", None, "承办单位", "派单意见", "派单"),
    ("签收时间", "签收人", "签收单位", None, None, "签收"),
    ("过程时间", "过程人", "过程单位", None, "过程内容", "@过程类型"),
    ("退单申请时间", "退单申请人", "退单申请单位", None, "退单原因", "申请退单"),
    ("退单审核时间", "退单审核人", None, None, "退单审核意见", "@退单审核结果:退单审核"),
    ("转办时间", "转办人", "转办单位", "转至单位", "转办原因", "转办"),
    ("下派时间", "下派人", "下派单位", "下派至", "下派意见", "下派"),
    ("下级回复时间", "下级回复人", "下级回复单位", None, "下级回复内容", "下级回复"),
    ("催办时间", "催办人", "催办单位", None, "催办意见", "催办"),
    ("延期申请时间", "延期申请人", None, None, "延期原因", "申请延期"),
    ("延期审核时间", "延期审核人", None, None, None, "@延期审核结果:延期审核"),
    ("办结申请时间", "办结申请人", "办结申请单位", None, "答复内容", "申请办结"),
    ("办结审核时间", "办结审核人", None, None, "办结审核意见", "@办结审核结果:办结审核"),
    ("回访时间", "回访人", None, None, "回访备注", "回访"),
]
EXTRA = {  # the group's other columns a step carries (stem → flow column), by the step's time column
    "延期申请时间": {"申请延期至": "延期至"}, "延期审核时间": {"批准延期至": "延期至"}, "办结申请时间": {"附件": "附件"},
    "回访时间": {"联系情况": "联系情况", "满意度": "满意度", "是否解决": "是否解决", "通话编号": "通话编号"},
}


def main(src, out):
    table = max(pd.read_html(src, encoding="gbk"), key=len)
    # row 0 title, row 1 export time, row 2 header
    header_at = next(i for i in range(10) if str(table.iloc[i, 0]).strip() == "工单编号")
    table.columns = [str(c) for c in table.iloc[header_at]]
    table = table.iloc[header_at + 1:]
    table = table[table["工单编号"].astype(str).str.match(r"^[A-Z]{2}\d+$")]
    rows = []
    for _, r in table.iterrows():
        for k in range(1, 20):
            for at, actor, unit, target, note, action in STEPS:
                col = f"{at}{k}"
                if col not in r or pd.isna(r[col]):
                    continue
                if action.startswith("@"):
                    column, _, prefix = action[1:].partition(":")
                    word = prefix + str(r[f"{column}{k}"])
                else:
                    word = action
                row = {"工单编号": r["工单编号"], "操作时间": r[col], "操作类型": word,
                       "操作人": r.get(f"{actor}{k}"), "操作单位": r.get(f"{unit}{k}") if unit else None,
                       "流向单位": r.get(f"{target}{k}") if target else None,
                       "处理意见": r.get(f"{note}{k}") if note else None}
                for stem, name in EXTRA.get(at, {}).items():
                    if not pd.isna(r.get(f"{stem}{k}")):
                        row[name] = r[f"{stem}{k}"]
                rows.append(row)
        if not pd.isna(r["办结时间"]):
            rows.append({"工单编号": r["工单编号"], "操作时间": r["办结时间"], "操作类型": "办结", "操作人": r["办结人"]})
    flat = pd.DataFrame(rows)
    # the person is written 姓名(工号): keep the code, as the expected findings name people by it
    flat["操作人"] = flat["操作人"].astype(str).str.extract(r"\((\w+)\)", expand=False)
    flat.to_csv(out, index=False, encoding="utf-8-sig")
    tickets = table[["工单编号", "受理时间", "受理人", "诉求类型", "来电人", "来电号码", "问题分类", "事发地址", "诉求内容",
                     "办理时限", "工单状态"]]
    tickets.to_csv(re.sub(r"\.csv$", "_工单.csv", out), index=False, encoding="utf-8-sig")
    print(f"{len(table)} tickets → {len(flat)} flow rows")


if __name__ == "__main__":
    main(*sys.argv[1:])
