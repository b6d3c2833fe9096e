"""Bounds on what a crafted input file can make a reader do: the cells a sheet may spread to, the size a
compressed part may unpack to, and XML that expands entities or names an external one. Each refusal is a
`FileProblem`: a Chinese sentence the import reports against the file, with nothing of the file stored.

The bounds are settings (`import_max_sheet_cells`, `import_max_unpacked_mb`, `import_max_shared_strings_mb`)
and Excel's own sheet size (1,048,576 rows × 16,384 columns), which no genuine export exceeds.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384
MB = 1 << 20


class FileProblem(ValueError):
    """A file the importers refuse whole, said in Chinese (reported as it is, without an exception name)."""


def _settings() -> Any:
    from rexian.settings import load_settings

    return load_settings()


class SheetBudget:
    """Counts the cells one sheet spreads to, the empty ones included, and refuses the sheet past the setting
    `import_max_sheet_cells` or past Excel's own size — before the cells are made, so memory and time stay
    bounded whatever a span or an index in the file claims."""

    def __init__(self, path: Path | str, limit: int | None = None):
        self.path = Path(path)
        self.limit = limit if limit is not None else _settings().import_max_sheet_cells
        self.cells = 0

    def take(self, cells: int, *, row: int, column: int = 0) -> None:
        """Account for `cells` more cells, the last of them at (1-based) `row` and `column`."""
        if row > EXCEL_ROWS or column > EXCEL_COLUMNS:
            raise FileProblem(f"{self.path.name}：表格超出 Excel 的范围（第 {row} 行、第 {column} 列；上限 "
                              f"{EXCEL_ROWS} 行 × {EXCEL_COLUMNS} 列），可能是伪造的合并或索引，拒绝读取")
        self.cells += cells
        if self.cells > self.limit:
            raise FileProblem(f"{self.path.name}：表格展开后超过 {self.limit} 个单元格（设置 import_max_sheet_cells；"
                              "合并单元格或索引声明的范围过大），拒绝读取")


def check_xlsx_parts(path: Path | str) -> None:
    """Refuse an .xlsx whose zip declares a part unpacking past `import_max_unpacked_mb`, or shared strings past
    `import_max_shared_strings_mb` (held whole in memory by the reader). The declared sizes bind: Python's zip
    reader stops at the declared size (and a shorter claim fails the CRC check)."""
    path = Path(path)
    settings = _settings()
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise FileProblem(f"{path.name}：不是有效的 Excel（.xlsx）文件（{error}）") from None
    for member in members:
        setting = "import_max_shared_strings_mb" if member.filename.lower().endswith(
            "sharedstrings.xml") else "import_max_unpacked_mb"
        limit = getattr(settings, setting)
        if member.file_size > limit * MB:
            raise FileProblem(f"{path.name}：压缩包内 {member.filename} 解压后有 {member.file_size // MB} MB，超过上限 "
                              f"{limit} MB（设置 {setting}；疑似压缩炸弹），拒绝读取")


def check_parquet_parts(path: Path | str, metadata: Any) -> None:
    """Refuse a Parquet file one of whose row groups declares a column unpacking past `import_max_unpacked_mb`."""
    limit = _settings().import_max_unpacked_mb
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        for index in range(row_group.num_columns):
            column = row_group.column(index)
            if column.total_uncompressed_size > limit * MB:
                raise FileProblem(f"{Path(path).name}：第 {group + 1} 个行组的列 {column.path_in_schema} 解压后有 "
                                  f"{column.total_uncompressed_size // MB} MB，超过上限 {limit} MB（设置 "
                                  "import_max_unpacked_mb），拒绝读取")


def xml_problem(path: Path | str, error: Any) -> FileProblem:
    """An expat error of an XML input in Chinese: entity expansion (a "billion laughs"), an external or
    undefined entity (never read), or malformed XML, with where it is."""
    from xml.parsers.expat import errors

    name = Path(path).name
    where = f"（第 {error.position[0]} 行第 {error.position[1]} 列）" if getattr(error, "position", None) else ""
    message = errors.messages.get(getattr(error, "code", None), "")
    if message == errors.XML_ERROR_AMPLIFICATION_LIMIT_BREACH:
        return FileProblem(f"{name}：XML 实体展开过多（疑似“十亿笑”攻击）{where}，拒绝读取")
    if message in (errors.XML_ERROR_UNDEFINED_ENTITY, errors.XML_ERROR_EXTERNAL_ENTITY_HANDLING):
        return FileProblem(f"{name}：XML 引用了未定义或外部实体{where}；外部实体一律不读取，拒绝读取")
    return FileProblem(f"{name}：XML 无法解析{where}：{error}")
