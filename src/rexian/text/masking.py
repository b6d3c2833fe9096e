"""Finding and masking personal data inside free text: phone numbers, ID-card numbers, bank cards.

Citizens write their phone number, ID number or bank-card number into the complaint itself
(「我的卡号6222 0212 3456 7890 128，补贴一直没到」). Roles without need-to-know see those masked, and
exports mask them. To avoid masking ordinary numbers (amounts, order numbers, dates), a digit run is
only masked when it has the shape *and* the checksum of the kind:

- ID card (居民身份证, GB 11643): 17 digits + check character (ISO 7064 MOD 11-2), plausible birth date;
- bank card: 16-19 digits passing the Luhn check (spaces or hyphens between groups of 4 allowed);
- mobile phone: 11 digits starting 1[3-9]; landline: 0 + 2-3 digit area code + 7-8 digits (with an
  optional hyphen), optionally +86 / 86 before a mobile number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_ID_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{17}[0-9Xx])(?![0-9A-Za-z])")
_BANK_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{4}(?:[ -]?\d{4}){2}[ -]?\d{4,7})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[ -]?)?(1[3-9]\d[ -]?\d{4}[ -]?\d{4})(?![0-9A-Za-z])")
_LANDLINE = re.compile(r"(?<![0-9A-Za-z])(0\d{2,3}-?\d{7,8})(?![0-9A-Za-z])")
# A house, building, unit or room number of an address (「解放路357号」「幸福小区3栋2单元501室」): the digits
# before 号/栋/幢/单元/室/户, with a road, estate or village word a few characters before them. Not a date
# (「11月18号」), a metro line (「3号线」) or a document (「5号文件」).
_ADDRESS_NUMBER = re.compile(r"(?<![0-9A-Za-z月日第])(\d{1,5}(?:-\d{1,4})?)"
                             r"(?=号(?!线|文|令|通知|公告|窗口|床)|栋|幢|号楼|单元|室|户)")
_ADDRESS_ANCHOR = re.compile(r"路|街|巷|弄|胡同|大道|小区|花园|家园|公寓|大厦|村|组|苑|园|里|社区|楼|栋|幢|单元|号")


@dataclass(frozen=True)
class PersonalDatum:
    kind: str  # phone / id_card / bank_card
    start: int
    end: int
    value: str


def id_card_is_valid(number: str) -> bool:
    """True for an 18-character resident ID with a correct check character and a real birth date."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS))
    if _ID_CHECK[total % 11] != number[17].upper():
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return 1900 <= born.year <= date.today().year


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


PERSONAL_KINDS = ("phone", "id_card", "bank_card", "address")


def find_personal_data(text: str, kinds: tuple[str, ...] = PERSONAL_KINDS) -> list[PersonalDatum]:
    """Every phone, ID-card and bank-card number and address house number in `text`, in order, without
    overlaps."""
    if not text:
        return []
    found: list[PersonalDatum] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(kind: str, match: re.Match, group: int = 1) -> None:
        start, end = match.span(group)
        if free(start, end):
            taken.append((start, end))
            found.append(PersonalDatum(kind, start, end, match.group(group)))

    # Most specific first: an ID number is also a digit run a bank-card pattern could take.
    for match in _ID_CARD.finditer(text):
        if id_card_is_valid(match.group(1)):
            add("id_card", match)
    for match in _BANK_CARD.finditer(text):
        digits = re.sub(r"[ -]", "", match.group(1))
        if 16 <= len(digits) <= 19 and luhn_is_valid(digits):
            add("bank_card", match)
    for match in _MOBILE.finditer(text):
        add("phone", match, 0 if match.group(0).startswith(("+", "86")) else 1)
    for match in _LANDLINE.finditer(text):
        add("phone", match)
    # Looked for only when asked (the bulletin): every masked web field would pay for it otherwise.
    for match in _ADDRESS_NUMBER.finditer(text) if "address" in kinds else ():
        if _ADDRESS_ANCHOR.search(text[max(0, match.start() - 12):match.start()]):
            add("address", match)
    return sorted(found, key=lambda datum: datum.start)


def _mask_value(kind: str, value: str) -> str:
    digits_at = [index for index, char in enumerate(value) if char.isalnum()]
    if kind == "phone":
        # 138****5678, 0731-****1234, +86 139****5678: the four digits before the last four.
        hidden = set(digits_at[-8:-4])
        return "".join("*" if index in hidden else char for index, char in enumerate(value))
    if kind == "address":  # the road or estate stays (where the matter is), the door does not
        return "".join("*" if char.isdigit() else char for char in value)
    if kind == "id_card":
        keep_head, keep_tail = 6, 4  # region code stays readable (where the citizen is registered)
    else:
        keep_head, keep_tail = 4, 4
    hidden = set(digits_at[keep_head:len(digits_at) - keep_tail])
    return "".join("*" if index in hidden else char for index, char in enumerate(value))


def mask_personal_data(text: str | None, kinds: tuple[str, ...] = ("phone", "id_card", "bank_card")) -> str:
    """`text` with the middle digits of every phone, ID-card and bank-card number replaced by '*'."""
    if not text:
        return text or ""
    pieces: list[str] = []
    cursor = 0
    for datum in find_personal_data(text, kinds):
        if datum.kind not in kinds:
            continue
        pieces.append(text[cursor:datum.start])
        pieces.append(_mask_value(datum.kind, datum.value))
        cursor = datum.end
    pieces.append(text[cursor:])
    return "".join(pieces)
