"""`mapping suggest` on a workflow engine's history tables (Activiti / Flowable, one file per table): the task table
as the flow records, the business key as the ticket number, candidate groups as units, the variables pivoted by
process instance, a platform dictionary as the code table, snake_case call records as `calls` — each recognised by
its columns, each beside a near miss that only looks like one."""

import yaml

from rexian.importing.suggest import suggest

from .conftest import write_csv

TASK = ["ID_", "PROC_INST_ID_", "TASK_DEF_KEY_", "NAME_", "ASSIGNEE_", "START_TIME_", "CLAIM_TIME_", "END_TIME_",
        "DELETE_REASON_"]
TASKS = [["11", "7", "accept", "受理", "u1", "2026-03-01 08:00:00", "", "2026-03-01 08:05:00", "completed"],
         ["12", "7", "handle", "承办", "u2", "2026-03-01 08:05:00", "2026-03-01 09:00:00", "2026-03-02 10:00:00",
          "退回"],
         ["13", "8", "accept", "受理", "u1", "2026-03-01 08:10:00", "", "2026-03-01 08:15:00", "completed"]]
INSTANCES = (["ID_", "PROC_INST_ID_", "BUSINESS_KEY_", "PROC_DEF_ID_", "START_TIME_"],
             [["7", "7", "GD-001", "hotline:1", "2026-03-01 08:00:00"], ["8", "8", "GD-002", "hotline:1",
                                                                          "2026-03-01 08:10:00"]])
LINKS = (["ID_", "GROUP_ID_", "TYPE_", "USER_ID_", "TASK_ID_", "PROC_INST_ID_"],
         [["1", "centre", "candidate", "", "11", "7"], ["2", "water", "candidate", "", "12", "7"],
          ["3", "", "participant", "u2", "", "7"]])
VARIABLES = (["ID_", "PROC_INST_ID_", "TASK_ID_", "NAME_", "VAR_TYPE_", "TEXT_", "LONG_"],
             [["1", "7", "11", "handleDept", "string", "water", ""], ["2", "7", "12", "satisfaction", "string", "满意", ""],
              ["3", "8", "13", "handleDept", "string", "power", ""]])
WORK_ORDERS = (["order_no", "proc_inst_id", "accept_time", "caller_phone", "appeal_content", "order_status"],
               [["GD-001", "7", "2026-03-01 08:00:00", "13800000001", "路灯不亮", "2"],
                ["GD-002", "8", "2026-03-01 08:10:00", "13800000002", "噪音扰民", "1"]])
DICTIONARY = (["dict_code", "dict_label", "dict_value", "dict_type"],
              [["1", "办理中", "1", "gd_order_status"], ["2", "已办结", "2", "gd_order_status"],
               ["3", "电话", "1", "gd_channel"]])
CALLS = (["call_id", "caller_no", "agent_no", "direction", "ring_time", "answer_time", "hangup_time", "order_no"],
         [["C1", "13800000001", "A01", "1", "2026-03-01 07:58:00", "2026-03-01 07:58:10", "2026-03-01 08:00:00",
           "GD-001"]])


def engine_export(tmp_path, **tables):
    """The engine's tables as a DBA dumps them (UTF-8 with a BOM); a table given as None is left out."""
    found = {"ACT_HI_TASKINST.csv": (TASK, TASKS), "ACT_HI_PROCINST.csv": INSTANCES, "ACT_HI_IDENTITYLINK.csv": LINKS,
             "ACT_HI_VARINST.csv": VARIABLES, "T_WORK_ORDER.csv": WORK_ORDERS, "sys_dict_data.csv": DICTIONARY,
             "T_CALL_RECORD.csv": CALLS}
    found.update(tables)
    return [write_csv(tmp_path / name, *table, bom=True) for name, table in found.items() if table]


def test_the_task_table_becomes_the_flow_records_read_through_lookups(tmp_path):
    proposal, notes = suggest(engine_export(tmp_path))
    assert proposal["columns"] == {"ticket_id": "工单编号", "at": "END_TIME_", "action": "环节结果",
                                   "actor_id": "ASSIGNEE_", "actor_unit_id": "办理单位", "target_unit_id": "handleDept"}
    assert proposal["joined_columns"] == {"环节结果": ["NAME_", "DELETE_REASON_"]}
    assert proposal["event_times"] == {"SignedFor": "CLAIM_TIME_"}
    assert set(proposal["actions"]) == {"受理 completed", "承办 退回"}
    lookups = {lookup["files"]: lookup for lookup in proposal["lookups"]}
    assert lookups["*ACT_HI_PROCINST*"] == {"files": "*ACT_HI_PROCINST*", "key": "ID_", "by": "PROC_INST_ID_",
                                            "columns": {"工单编号": "BUSINESS_KEY_"}}
    assert lookups["*ACT_HI_IDENTITYLINK*"]["where"] == {"TYPE_": "candidate"}
    assert lookups["*ACT_HI_IDENTITYLINK*"]["columns"] == {"办理单位": "GROUP_ID_"}
    variables = lookups["*ACT_HI_VARINST*"]
    assert (variables["key"], variables["by"]) == ("PROC_INST_ID_", "PROC_INST_ID_")
    assert variables["pivot"] == {"name": "NAME_", "value": ["TEXT_", "LONG_"]}
    assert variables["columns"] == {"handleDept": "handleDept", "satisfaction": "satisfaction"}
    assert proposal["action_fields"]["Visited"] == {"satisfaction": "satisfaction"}
    assert proposal["ticket_sheet"]["ticket_id"] == "order_no"


def test_a_dictionary_table_is_the_code_table_of_prefixed_categories(tmp_path):
    proposal, _ = suggest(engine_export(tmp_path))
    assert proposal["code_table"]["category"] == "dict_type"
    assert (proposal["code_table"]["code"], proposal["code_table"]["name"]) == ("dict_value", "dict_label")
    assert proposal["code_table"]["columns"] == {"order_status": "gd_order_status"}


def test_snake_case_call_headers_make_a_calls_section(tmp_path):
    proposal, _ = suggest(engine_export(tmp_path))
    assert proposal["calls"]["columns"] == {"call_id": "call_id", "caller_phone": "caller_no", "agent_id": "agent_no",
                                            "ring_at": "ring_time", "answer_at": "answer_time",
                                            "end_at": "hangup_time", "ticket_id": "order_no", "direction": "direction"}


def test_near_miss_an_activity_table_is_not_taken_for_the_tasks(tmp_path):
    """ACT_HI_ACTINST has an assignee and start and end times, but no task name or task definition key."""
    activities = (["ID_", "PROC_INST_ID_", "ACT_NAME_", "ACT_TYPE_", "ASSIGNEE_", "START_TIME_", "END_TIME_"],
                  [["1", "7", "受理", "userTask", "u1", "2026-03-01 08:00:00", "2026-03-01 08:05:00"]])
    proposal, _ = suggest(engine_export(tmp_path, **{"ACT_HI_TASKINST.csv": activities}))
    assert "lookups" not in proposal and "event_times" not in proposal


def test_near_miss_a_key_table_without_a_process_definition_is_not_the_instances(tmp_path):
    keys = (["ID_", "BUSINESS_KEY_", "START_TIME_"], [["7", "GD-001", "2026-03-01 08:00:00"]])
    proposal, notes = suggest(engine_export(tmp_path, **{"ACT_HI_PROCINST.csv": None, "T_KEYS.csv": keys}))
    assert proposal["columns"]["ticket_id"] == "PROC_INST_ID_"
    assert not any(lookup["columns"].get("工单编号") for lookup in proposal["lookups"])
    assert any("没有流程实例表" in note for note in notes)


def test_near_miss_links_without_candidate_groups_give_no_unit(tmp_path):
    links = (LINKS[0], [["3", "", "participant", "u2", "12", "7"]])
    proposal, _ = suggest(engine_export(tmp_path, **{"ACT_HI_IDENTITYLINK.csv": links}))
    assert "actor_unit_id" not in proposal["columns"]
    assert all(lookup["files"] != "*ACT_HI_IDENTITYLINK*" for lookup in proposal["lookups"])


def test_the_current_values_are_pivoted_rather_than_their_update_history(tmp_path):
    """ACT_HI_DETAIL writes a variable once per update (repeated instance and name); ACT_HI_VARINST once."""
    history = (VARIABLES[0] + ["TIME_"], [row + ["2026-03-01 09:00:00"] for row in VARIABLES[1]]
               + [["4", "7", "12", "handleDept", "string", "gas", "", "2026-03-01 10:00:00"]])
    proposal, notes = suggest(engine_export(tmp_path, **{"ACT_HI_DETAIL.csv": history}))
    pivots = [lookup["files"] for lookup in proposal["lookups"] if "pivot" in lookup]
    assert pivots == ["*ACT_HI_VARINST*"]
    assert any("ACT_HI_DETAIL.csv 是变量的逐次更新" in note for note in notes)


def test_near_miss_a_dictionary_whose_codes_a_column_does_not_hold_codes_nothing(tmp_path):
    orders = (WORK_ORDERS[0], [row[:-1] + ["已办结"] for row in WORK_ORDERS[1]])
    proposal, _ = suggest(engine_export(tmp_path, **{"T_WORK_ORDER.csv": orders}))
    assert "code_table" not in proposal


def test_the_opinions_become_an_event_sheet_named_by_their_step_and_the_draft_is_loadable_yaml(tmp_path):
    comments = (["ID_", "TYPE_", "TIME_", "USER_ID_", "TASK_ID_", "PROC_INST_ID_", "ACTION_", "FULL_MSG_"],
                [["a", "1", "2026-03-02 10:00:00", "u2", "12", "7", "AddComment", "非我单位职责"]])
    activities = (["ID_", "PROC_INST_ID_", "TASK_ID_", "ACT_NAME_", "ACT_TYPE_", "START_TIME_", "END_TIME_"],
                  [["b", "7", "12", "承办", "userTask", "2026-03-01 08:05:00", "2026-03-02 10:00:00"],
                   ["c", "7", "", "开始", "startEvent", "2026-03-01 08:00:00", "2026-03-01 08:00:00"]])
    proposal, _ = suggest(engine_export(tmp_path, **{"ACT_HI_COMMENT.csv": comments, "ACT_HI_ACTINST.csv": activities}))
    sheet = proposal["event_sheets"][0]
    assert sheet["joined_columns"] == {"环节意见": ["环节", "TYPE_"]}
    assert sheet["columns"] == {"ticket_id": "工单编号", "at": "TIME_", "action": "环节意见", "actor_id": "USER_ID_",
                                "actor_unit_id": "办理单位", "note": "FULL_MSG_"}
    assert "承办 1" in proposal["actions"]
    by_task = [lookup for lookup in proposal["lookups"] if lookup["by"] == "TASK_ID_"]
    assert {tuple(lookup["columns"].items()) for lookup in by_task} == {(("环节", "ACT_NAME_"),), (("办理单位", "GROUP_ID_"),)}
    assert all(lookup["files"] != "*ACT_HI_TASKINST*" for lookup in proposal["lookups"])  # the flow is never a lookup
    assert "&id" not in yaml.safe_dump(proposal, allow_unicode=True, sort_keys=False)  # mappings refuse YAML aliases


def test_near_miss_a_call_list_without_hang_up_times_is_not_call_records(tmp_path):
    """ring_time_zone is not ring_time: only the separators are folded, never a longer word."""
    dialled = (["call_id", "caller_no", "agent_no", "ring_time_zone", "answer_time"],
               [["C1", "13800000001", "A01", "+08:00", "2026-03-01 07:58:10"]])
    proposal, notes = suggest(engine_export(tmp_path, **{"T_CALL_RECORD.csv": dialled}))
    assert "calls" not in proposal
    assert any("T_CALL_RECORD.csv" in note and "未使用" in note for note in notes)


def test_call_directions_written_as_codes_are_named_not_guessed(tmp_path):
    proposal, notes = suggest(engine_export(tmp_path))
    assert "values" not in proposal["calls"]
    assert any("呼叫方向列「direction」的取值 1 读不出方向" in note for note in notes)
