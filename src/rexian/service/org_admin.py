"""Organisation administration: load an organisation file, or apply changes, in one transaction."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Mapping

from rexian.adapters.repository import OrgRepository
from rexian.domain.errors import NotAllowed
from rexian.domain.org_changes import OrgProblems, plan_changes


def read_org_file(path: str | Path) -> list[dict[str, Any]]:
    """The changes an organisation file (YAML or JSON, docs/organisation.md) asks for, in a safe order."""
    import yaml

    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8-sig")) or {}
    except yaml.YAMLError as error:
        raise OrgProblems([f"{path}: 不是有效的 YAML/JSON：{error}"]) from error
    if not isinstance(document, dict):
        raise OrgProblems([f"{path}: 顶层必须是包含 units / people / categories / catalogue / calendar 的映射"])
    unknown = set(document) - {"units", "people", "categories", "catalogue", "calendar"}
    if unknown:
        raise OrgProblems([f"{path}: 未知的段落 {'、'.join(sorted(unknown))}"])
    changes: list[dict[str, Any]] = []
    for section, kind in (("units", "unit"), ("categories", "category"), ("people", "person"),
                          ("catalogue", "catalogue"), ("calendar", "calendar")):
        items = document.get(section) or []
        if not isinstance(items, list):
            raise OrgProblems([f"{path}: {section} 必须是列表"])
        for item in items:
            if not isinstance(item, dict):
                raise OrgProblems([f"{path}: {section} 中的每一项必须是映射：{item!r}"])
            changes.append({**item, "type": kind})
    return changes


def apply_org_changes(hotline, actor_id: str | None, changes: Iterable[Mapping[str, Any]],
                      at: datetime | None = None) -> int:
    """Apply organisation changes as `actor_id` (an admin; anyone while the organisation is empty, so a
    new installation can be set up). Returns how many rows changed; writes nothing when any is invalid."""
    now = at or hotline.clock()
    with hotline.engine.begin() as connection:
        repository = OrgRepository(connection)
        current = repository.load()
        if current.people:
            person = current.person(actor_id)
            if person is None or not person.has_role("admin"):
                raise NotAllowed("org.admin_only", "只有管理员可以修改组织机构、分类、职责清单和工作日历")
        plan = plan_changes(current, list(changes))
        records = []
        for (table, row), (action, payload) in zip(plan.rows, plan.events):
            if repository.upsert(table, row):
                records.append({"at": now, "action": action, "actor_id": actor_id, "actor_unit_id": None,
                                "target_unit_id": row.get("unit_id"), "payload": payload, "source": "rexian"})
        repository.log(records)
        return len(records)
