"""The menu marks one item: the page's queue where the menu names it, else the page itself."""

import re

from web.conftest import client_for, hotline, web_app  # noqa: F401 - fixtures used below


def _marked(page: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" class="on" aria-current="page">', page)


def test_a_queue_page_marks_its_queue_and_not_the_list_it_is_part_of(client_for):  # noqa: F811
    handler = client_for("H0201")
    assert _marked(handler.get("/tickets?queue=inbox").text) == ["/tickets?queue=inbox"]
    assert _marked(handler.get("/tickets").text) == ["/tickets"]
    assert _marked(client_for("J01").get("/desk/findings?unit_id=D02").text) == ["/desk/findings"]
