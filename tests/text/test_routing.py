import pytest

from rexian.text.corpus import generate_corpus
from rexian.text.routing import Router, cross_validate, default_router, load_router, suggest_route, train_router


@pytest.fixture(scope="module")
def small_corpus():
    rows = generate_corpus(per_category=25, seed=3)
    return [text for text, _ in rows], [label for _, label in rows]


FUMES = "小区门口烧烤店油烟直排，熏得没法开窗，晚上还很吵"


def test_the_packaged_default_model_suggests_three_categories_with_confidences_summing_to_at_most_one():
    suggestions = suggest_route(FUMES, k=3)
    assert len(suggestions) == 3
    assert suggestions[0][0] == "0201" and default_router().label_name("0201") == "油烟污染"
    assert all(0 <= confidence <= 1 for _, confidence in suggestions)
    assert sum(confidence for _, confidence in suggestions) <= 1.0001
    assert [c for _, c in suggestions] == sorted((c for _, c in suggestions), reverse=True)


@pytest.mark.parametrize("text, code, top_name", [
    ("公司拖欠我们三个月工资，老板电话也不接", "0401", "劳动和社会保障"),
    ("学校周末强制补课，学生没有休息时间", "0501", "教育文体"),
    ("开发商延期交房一年多，房产证也办不下来", "0906", "住房物业"),
    ("路口红绿灯坏了好几天，早晚高峰堵得很", "0304", "交通运输"),
    ("超市卖过期食品，吃了拉肚子", "0801", "市场监管"),
])
def test_the_default_model_routes_plain_complaints_to_their_category_code_and_first_level(text, code, top_name):
    router = default_router()
    assert suggest_route(text, k=1)[0][0] == code
    top = suggest_route(text, k=1, target="category_top")[0][0]
    assert top == code[:2] and router.label_name(top, "category_top") == top_name


def test_the_default_model_speaks_the_demo_citys_categories_and_units_with_their_names():
    from rexian.simulate.org import CATEGORIES as CITY_CATEGORIES, DEPARTMENTS

    router = default_router()
    leaves = {code: name for _, _, _, _, subs in CITY_CATEGORIES for code, name, _ in subs}
    known = set(router.pipelines["category"].classes_)
    assert known == set(leaves)
    assert all(router.label_name(code) == leaves[code] for code in known)
    assert set(router.parents.values()) == {code for code, *_ in CITY_CATEGORIES}
    units = dict(DEPARTMENTS)
    assert "lead_unit" in router.targets
    lead = router.suggest(FUMES, k=1, target="lead_unit")[0][0]
    assert lead == "D02" and router.label_name(lead, "lead_unit") == units["D02"] == "市生态环境局"


def test_first_level_confidence_is_the_sum_of_its_categories():
    router = default_router()
    leaves = router.suggest(FUMES, k=len(router.pipelines["category"].classes_))
    tops = dict(router.suggest(FUMES, k=50, target="category_top"))
    expected = sum(confidence for code, confidence in leaves if router.parents[code] == "02")
    assert tops["02"] == pytest.approx(expected, abs=0.002)
    assert sum(tops.values()) == pytest.approx(1, abs=0.002)


def test_the_packaged_model_file_is_small_and_says_how_it_was_made():
    from pathlib import Path

    import rexian.text
    from rexian.text.routing import DEFAULT_SIMULATION

    assert Path(rexian.text.__file__).with_name("data").joinpath("router_default.joblib").stat().st_size < 2_000_000
    router = default_router()
    assert router.meta["trained_on"] == "rexian simulate --tickets {tickets} --seed {seed}".format(**DEFAULT_SIMULATION)
    assert {report["target"] for report in router.meta["reports"]} == {"category", "category_top", "lead_unit"}


def test_a_router_trained_on_the_simulated_city_in_memory_has_the_packaged_labels():
    from rexian.service.routing_training import router_from_simulation

    router = router_from_simulation(tickets=400, seed=1)
    assert set(router.pipelines["category"].classes_) <= set(default_router().pipelines["category"].classes_)
    assert router.label_name("0201") == "油烟污染" and "category_top" in router.targets
    assert router.suggest(FUMES, k=1, target="category_top")[0][0] == "02"


def test_the_fast_transform_gives_exactly_the_matrix_of_the_fitted_vectoriser():
    from rexian.text.routing import CharTfidf

    vectoriser = default_router().pipelines["category"].named_steps["tfidf"]
    texts = [FUMES, "", "路", "  两个  空格\t和\n换行  ", "雅苑小區物業經理態度惡劣，電話13812345678", "A3区" + "长" * 900,
             "emoji 😀 and ASCII words", "。".join(text for text, _ in generate_corpus(per_category=3, seed=1))]
    expected = vectoriser.transform(texts)
    found = CharTfidf(vectoriser).transform(texts)
    assert found.shape == expected.shape
    assert abs(found - expected).max() < 1e-6


def test_training_learns_category_and_lead_unit_and_the_model_file_round_trips(tmp_path, small_corpus):
    texts, labels = small_corpus
    leads = [f"U-{label}" for label in labels]
    router, reports = train_router(texts, labels, leads, folds=2)
    assert [report.target for report in reports] == ["category", "lead_unit"]
    assert reports[0].macro_f1 > 0.8 and reports[0].cv_folds == 2
    path = router.save(tmp_path / "router.joblib")
    loaded = load_router(path)
    assert isinstance(loaded, Router) and loaded.targets == ["category", "lead_unit"]
    text = "工地夜间施工噪音太大，严重影响休息"
    assert loaded.suggest(text) == router.suggest(text)
    assert loaded.suggest(text, target="lead_unit")[0][0] == "U-环境保护"


def test_the_configured_model_file_is_the_one_the_application_loads(tmp_path, monkeypatch, small_corpus,
                                                                    configured_text):
    texts, labels = small_corpus
    renamed = ["甲类" if label == "环境保护" else "乙类" for label in labels]
    router, _ = train_router(texts, renamed, evaluate=False)
    router.save(tmp_path / "custom.joblib")
    monkeypatch.setenv("REXIAN_TEXT_ROUTER_MODEL", str(tmp_path / "custom.joblib"))
    configured_text()  # what bootstrap and the command line do: settings → the text layer's configuration
    assert load_router().suggest("油烟扰民", k=1)[0][0] in {"甲类", "乙类"}


def test_a_packaged_model_that_cannot_be_loaded_is_a_clear_error_not_a_silent_retraining(monkeypatch):
    from rexian.text import routing

    monkeypatch.setattr(routing, "DEFAULT_MODEL_RESOURCE", "data/no_such_model.joblib")
    routing.default_router.cache_clear()
    try:
        with pytest.raises(routing.ModelUnavailable, match="rexian train-router --from-simulation 10000"):
            routing.default_router()
    finally:
        routing.default_router.cache_clear()


def test_a_label_seen_only_once_is_left_out_rather_than_breaking_training(small_corpus):
    texts, labels = small_corpus
    router, reports = train_router(texts + ["孤零零的一条"], labels + ["孤例"], evaluate=False)
    assert "孤例" not in router.pipelines["category"].classes_


def test_an_address_is_taken_into_account_without_being_required(small_corpus):
    router = default_router()
    assert router.suggest("路灯坏了", address="岳麓区梅溪湖路") and router.suggest("路灯坏了")


def test_a_file_that_is_not_a_routing_model_is_refused(tmp_path):
    import joblib

    joblib.dump({"something": "else"}, tmp_path / "x.joblib")
    with pytest.raises(ValueError):
        load_router(tmp_path / "x.joblib")


@pytest.mark.realdata
@pytest.mark.slow
def test_cross_validated_macro_f1_on_the_labelled_teddy_sample_is_reported_and_reasonable(teddy_dir):
    from rexian.text.evaluation import read_table, training_columns, training_rows

    frame = read_table(teddy_dir / "sample_messages_labelled.xlsx")
    texts, labels, _ = training_rows(frame, *training_columns(frame)[:2])
    report = cross_validate(texts, [str(label) for label in labels], folds=5)
    assert report.rows == 495 and len(report.labels) == 7
    assert report.macro_f1 > 0.75
