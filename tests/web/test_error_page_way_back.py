"""The error page's way back is a plain link to the same-site page the reader came from (its Referer), not a
`javascript:` link, which the Content-Security-Policy (script-src 'self') refuses to run: it did nothing."""

from web.conftest import client_for, hotline, web_app  # noqa: F401 - fixtures used below


def test_an_error_page_links_back_to_the_page_the_reader_came_from_and_never_runs_script(client_for):  # noqa: F811
    handler = client_for("H0201")
    page = handler.get("/tickets/RX20990101000001", headers={"Referer": "http://testserver/tickets?queue=inbox"})
    assert page.status_code == 404
    assert "javascript:" not in page.text
    assert '<a href="/tickets?queue=inbox">返回上一页</a>' in page.text.replace("&amp;", "&")


def test_a_referer_from_another_site_gives_no_way_back_but_the_home_page(client_for):  # noqa: F811
    handler = client_for("H0201")
    for referer in ("https://evil.example/tickets", "http://testserver.evil.example/x", ""):
        page = handler.get("/tickets/RX20990101000001", headers={"Referer": referer})
        assert "返回上一页" not in page.text and '<a href="/">工作台</a>' in page.text, referer
