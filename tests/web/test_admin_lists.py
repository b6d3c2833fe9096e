"""The administrator's accounts and people lists are searched (by id, name, unit or role) and paged like the ticket
lists: a page of 20, the other list's search kept, and a search that finds nothing says so in Chinese."""

import re



def _ids(page: str, table: str) -> list[str]:
    """The ids (first cells) of the rows of one list on the page."""
    body = re.search(rf'<table id="{table}">(.*?)</table>', page, re.S).group(1)
    return re.findall(r"<tr><td>([^<]+)</td>", body)


def test_the_account_search_finds_an_account_by_name_and_unit_and_the_people_search_by_unit_and_role(client_for):
    admin = client_for("X01")
    page = admin.get("/admin", params={"account_q": "吴敏 生态环境"}).text
    assert _ids(page, "account-list") == ["H0201"]
    assert "共 1 个账号，第 1 / 1 页" in page
    page = admin.get("/admin", params={"person_q": "住房和城乡建设局 承办人"}).text
    assert _ids(page, "person-list") == ["H0101"]
    assert len(_ids(page, "account-list")) == 20  # the accounts list is not filtered by the people search


def test_the_second_page_of_accounts_shows_the_rest_and_keeps_the_people_search(client_for):
    admin = client_for("X01")
    first = admin.get("/admin", params={"person_q": "S01"}).text
    assert "共 26 个账号，第 1 / 2 页" in first
    link = re.search(r'<div class="pager" id="account-pager">.*?<a href="([^"]+)">下一页</a>', first, re.S).group(1)
    second = admin.get(link.replace("&amp;", "&")).text
    assert "第 2 / 2 页" in second and "上一页" in second
    shown = _ids(first, "account-list") + _ids(second, "account-list")
    assert len(shown) == 26 and len(set(shown)) == 26  # every account once
    assert _ids(second, "person-list") == ["HS01", "LS01"]  # the other list's search kept across pages


def test_a_search_that_matches_nothing_says_so_in_chinese(client_for):
    page = client_for("X01").get("/admin", params={"account_q": "无此人xyz"}).text
    assert _ids(page, "account-list") == []
    assert "没有找到符合「无此人xyz」的账号" in page and "共 0 个账号" in page


def test_a_page_number_past_the_end_shows_the_last_page(client_for):
    page = client_for("X01").get("/admin", params={"account_page": "99"}).text
    assert "第 2 / 2 页" in page and len(_ids(page, "account-list")) == 6
