"""Reading a mapping file's YAML safely: no aliases (a billion-laughs file), no NUL characters."""

from __future__ import annotations

from typing import Any

import yaml

from rexian.importing.mapping_sections import MappingError


class NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without anchors and aliases: a mapping never needs them, and nested aliases (a
    "billion laughs" file of a few hundred bytes) would expand into gigabytes."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise MappingError(f"映射文件不允许 YAML 别名（*{event.anchor}，第 {event.start_mark.line + 1} 行）")
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        """A key given twice is refused (YAML would keep the last silently: which one did the author mean?)."""
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise MappingError(f"映射文件的键必须是文字（第 {key_node.start_mark.line + 1} 行）")
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise MappingError(f"映射文件中键 {key!r} 出现两次（第 {key_node.start_mark.line + 1} 行）")
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def parse_mapping_text(text: str, where: str = "映射") -> Any:
    """The YAML of a mapping file, bounded in size and without aliases."""
    from rexian.settings import load_settings

    limit = load_settings().mapping_max_bytes
    if len(text.encode("utf-8", "surrogatepass")) > limit:
        raise MappingError(f"{where} 超过 {limit} 字节（设置 mapping_max_bytes）：不是映射文件？")
    try:
        return without_nul(yaml.load(text, Loader=NoAliasLoader), where)  # a SafeLoader subclass
    except yaml.YAMLError as error:
        raise MappingError(f"{where} 无法读取：{error}") from None
    except RecursionError:
        raise MappingError(f"{where} 嵌套过深") from None
    except MappingError:
        raise
    except ValueError as error:  # a number too long to read (Python's 4,300-digit limit) and the like
        raise MappingError(f"{where} 无法读取：数值过长或格式不正确（{error}）") from None


def without_nul(parsed: Any, where: str) -> Any:
    """The parsed mapping, refused when a key or value holds a NUL (written `\\0` in a quoted YAML string): it
    would reach every event's source or a column name, and PostgreSQL cannot store it."""
    pending = [parsed]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending += [*value.keys(), *value.values()]
        elif isinstance(value, list):
            pending += value
        elif isinstance(value, str) and "\x00" in value:
            raise MappingError(f"{where} 含有 NUL 字符（{value[:40]!r}）：映射中不能有 NUL")
    return parsed
