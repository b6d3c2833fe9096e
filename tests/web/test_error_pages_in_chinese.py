"""A page the framework refuses (an address that does not exist, a form address opened directly) reads in Chinese,
as the application's own refusals do, never HTTP's English phrase."""

from web.conftest import client_for, hotline, web_app  # noqa: F401 - fixtures used below


def test_opening_a_form_address_directly_says_in_chinese_what_to_do(client_for):  # noqa: F811
    page = client_for("H0201").get("/logout")
    assert page.status_code == 405
    assert "该地址不能直接打开，请从页面上的按钮或表单操作" in page.text
    assert "Method Not Allowed" not in page.text


def test_an_address_that_does_not_exist_says_not_found_in_chinese(client_for):  # noqa: F811
    page = client_for("H0201").get("/no-such-page")
    assert page.status_code == 404
    assert "未找到" in page.text and "Not Found" not in page.text


def test_the_api_answers_a_refused_method_as_a_chinese_problem(client_for):  # noqa: F811
    answer = client_for("H0201").delete("/api/v1/tickets", headers={"accept": "application/json"})
    assert answer.status_code == 405
    assert answer.json()["title"] == "不支持的方法"
    assert answer.json()["detail"] == "该地址不接受 DELETE 请求"
    assert "Method Not Allowed" not in answer.text
