"""The one picker of the forms that choose among many: a person for an account (web/admin.py, 637 people on the
demo), the assisting units (协办单位, ~174) of a dispatch or of a return's review on the ticket page and of a catalogue
line on the admin page, the units a supervision order (督办单) goes to on the desk (web/desk.py). A search box whose
words the server looks for as one types (htmx; every word must be found in one of the option's words), above one
page of what it finds: radio buttons for one choice, check boxes for several. Chosen check boxes stay listed above
the matches whatever is searched next (the search sends them back), so choosing is: type, tick, type again, tick.
Keyboard: Tab into the box, type, Tab into the list, arrow keys (radio buttons) or Space (check boxes). Template:
templates/_picker.html; nothing loaded from elsewhere.

Without scripts the pager still pages: 上一页/下一页 are plain links to the page the picker sits on (`page_url`), asking
it for that picker's next page (`pick`, `pick_q`, `pick_page` and the chosen values: `asked`); htmx, where it runs,
fetches the fragment instead and leaves the page where it is. The search works the same way: the box's 查找 button
(the default button of its form, so Enter in the box presses it rather than the form's action) posts the form it
sits in to `/picker/search` (`search_href`), which answers a redirect to that page asking for the picker's first page
of the words, the boxes ticked so far kept (the form's other fields are not carried over); htmx fetches the
fragment instead."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from rexian.domain.errors import MissingField
from rexian.domain.org import Organisation
from rexian.web.access import Allow, checked_form
from rexian.web.auth import Principal
from rexian.web.queries import Page, paged

router = APIRouter(include_in_schema=False)

PER_PAGE = 8  # a page that fits beside a form on a 1366×768 screen
QUERY, PAGE = "pick_q", "page"  # the search's parameters (the box's name: a form it sits in ignores it)
# What a plain link to another page of a picker asks of the page it sits on: which picker, and its page there.
PICK, PICK_PAGE = "pick", "pick_page"


@dataclass(frozen=True)
class Option:
    value: str
    label: str  # what is chosen (a person's or unit's name)
    code: str = ""  # shown bold before it (a person's id)
    detail: str = ""  # shown muted after it (unit and roles, a unit's kind and area)


@dataclass
class Picker:
    key: str  # names its elements: `<key>-picker` (the list), `<key>-picker-none` (nothing found)
    name: str  # the form field the choice is posted as
    multiple: bool
    url: str  # where the next search or page is asked for (GET, with pick_q, page and the chosen values)
    results: str  # the id of the element the server's answer replaces
    page: Page  # rows: Option
    q: str = ""
    chosen: list[Option] = field(default_factory=list)
    noun: str = "项"  # counted: 共 12 人 / 共 174 个单位
    what: str = ""  # named when nothing is found: 没有找到符合「…」的人员
    how: str = ""  # what a search looks at
    page_url: str = ""  # the page the picker sits on, for the pager's plain links ("" for none: buttons, htmx only)

    def page_href(self, number: int) -> str:
        """A plain link to page `number` of this picker on the page it sits on, its search and chosen values kept."""
        params = [(PICK, self.key), (QUERY, self.q), (PICK_PAGE, str(number)),
                  *((self.name, option.value) for option in self.chosen)]
        return f"{self.page_url}{'&' if '?' in self.page_url else '?'}{urlencode(params)}#{self.key}-picker"

    @property
    def search_href(self) -> str:
        """Where the box's 查找 button posts its form without scripts (`search`): back to this page, or "" for none."""
        if not self.page_url:
            return ""
        return "/picker/search?" + urlencode({"key": self.key, "name": self.name, "back": self.page_url})

    @property
    def box_id(self) -> str:
        """The search box's id: the results' id with -q for -results (account-person-q, dispatch-assisting…-q)."""
        return self.results.removesuffix("-results") + "-q"


def matching(rows: Iterable[Any], q: str, words_of: Callable[[Any], Sequence[str]]) -> list[Any]:
    """The rows every word of `q` finds, each word in one of `words_of(row)` (case ignored), in their order."""
    words = q.casefold().split()
    return [row for row in rows if all(any(word in text.casefold() for text in words_of(row)) for word in words)]


def options_page(options: Sequence[Option], q: str, page: int, chosen: Sequence[str] = (),
                 per_page: int = PER_PAGE) -> tuple[Page, list[Option]]:
    """One page of the options `q` finds, the chosen ones apart (listed above the page, not again in it)."""
    taken = set(chosen)
    by_value = {option.value: option for option in options}
    found = matching([o for o in options if o.value not in taken], q,
                     lambda o: (o.value, o.label, o.code, o.detail))
    return paged(found, page, per_page), [by_value[value] for value in dict.fromkeys(chosen) if value in by_value]


def asked(params: Any, key: str, name: str) -> tuple[str, int, list[str]] | None:
    """What a plain link to another page of the picker `key` asks (its search, page and chosen values, posted as
    `name`) of the page it sits on, from that page's query `params`; None when the link names no picker or another."""
    if params.get(PICK) != key:
        return None
    number = str(params.get(PICK_PAGE) or "1")
    return str(params.get(QUERY) or ""), int(number) if number.isdigit() else 1, list(params.getlist(name))


def page_url(url: Any) -> str:
    """The page a picker sits on as its pager links to it: the path and query of `url` (this request's URL, or the
    page htmx says it is on, `HX-Current-URL`), without the picker parameters a previous link added; "" for a URL
    that is not a path on this site."""
    parts = urlsplit(str(url or ""))
    # a backslash or a control character could make a browser read the path as another site's (pages._safe_next)
    if not parts.path.startswith("/") or parts.path.startswith("//") \
            or any(ord(char) < 0x20 or char in "\\\x7f" for char in parts.path):
        return ""
    dropped = {PICK, QUERY, PICK_PAGE, PAGE, *PICKED_FIELDS}
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in dropped]
    return parts.path + ("?" + urlencode(kept) if kept else "")


def pager_url(request: Any) -> str:
    """The page a picker fragment answered to htmx sits on (its pager's plain links go there)."""
    return page_url(request.headers.get("hx-current-url", ""))


# --- units ----------------------------------------------------------------------------------------------------
UNIT_FIELDS = ("assisting_unit_ids", "assisting", "unit_ids")  # the several-units fields a picker may post as
PICKED_FIELDS = ("person_id", *UNIT_FIELDS)  # every field a picker posts its choice as
_KEY = re.compile(r"[a-z0-9_-]{1,60}")


def unit_options(org: Organisation) -> list[Option]:
    """The units a form may name as assisting or send a supervision order to (`Organisation.handling_units`, as
    web/forms.py offers them)."""
    from rexian.web.labels import choices

    kinds = choices()["unit_kinds"]
    found = []
    for unit in org.handling_units():
        parent = org.unit(unit.parent_id) if unit.parent_id else None
        detail = " · ".join(part for part in (kinds.get(unit.kind, unit.kind), unit.area or "",
                                              f"上级 {parent.name}" if parent else "") if part)
        found.append(Option(unit.unit_id, unit.name, "", f"{unit.unit_id} · {detail}"))
    return found


def unit_picker(org: Organisation, key: str, name: str, chosen: Sequence[str] = (), q: str = "",
                page: int = 1, on_page: str = "", params: Mapping[str, Any] | None = None) -> Picker:
    """A several-units picker posting `name`, its elements named by `key` (one per form on a page). `on_page`: the
    page it sits on (`page_url`), whose query `params` may ask for another of its pages (`asked`)."""
    if name not in UNIT_FIELDS or not _KEY.fullmatch(key):
        raise MissingField("picker.field", "未知的选择框")
    if params is not None and (wanted := asked(params, key, name)) is not None:
        q, page, chosen = wanted
    listed, picked = options_page(unit_options(org), q, page, chosen)
    url = "/picker/units?" + "&".join(f"{k}={v}" for k, v in (("key", key), ("name", name)))
    return Picker(key, name, True, url, f"{key}-results", listed, q, picked, "个单位", "单位",
                  "可按单位名称、编码、类型、区域或上级单位查找", on_page)


@router.get("/picker/units")
def units_page(request: Request, key: str = "", name: str = "", me: Principal = Depends(Allow())):
    """The unit picker's next search or page (htmx): the units `pick_q` finds, the chosen ones (sent back as the
    field's values) kept above them."""
    from rexian.web.pages import _int, render

    params = request.query_params
    web = request.app.state.web
    picker = unit_picker(web.hotline.organisation(), key, name, params.getlist(name),
                         params.get(QUERY, ""), _int(params.get(PAGE), 1), pager_url(request))
    return render(request, "_picker_results.html", me, picker=picker)


@router.post("/picker/search")
def search(request: Request, key: str = "", name: str = "", back: str = "", form: FormData = Depends(checked_form),
           me: Principal = Depends(Allow())):
    """A picker's search without scripts: its form posted by the box's 查找 button (CSRF checked like any form, nothing
    done with the rest of it) comes back to the page `back` the picker sits on, asking for the first page of what
    `pick_q` finds, the values ticked so far kept (`asked`). `back` must be a path on this site (`page_url`)."""
    parts = urlsplit(back)
    here = page_url(back) if not (parts.scheme or parts.netloc) else ""
    if not here or not _KEY.fullmatch(key) or name not in PICKED_FIELDS:
        raise MissingField("picker.search", "无法返回查找所在的页面，请重新打开该页面")
    chosen = [value for value in form.getlist(name) if isinstance(value, str) and value]
    params = [(PICK, key), (QUERY, str(form.get(QUERY) or "").strip()), (PICK_PAGE, "1"),
              *((name, value) for value in dict.fromkeys(chosen))]
    return RedirectResponse(f"{here}{'&' if '?' in here else '?'}{urlencode(params)}#{key}-picker", status_code=303)
