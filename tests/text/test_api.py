import importlib

import rexian.text as text_api


def test_the_stable_api_names_are_the_functions_even_after_every_text_module_is_loaded():
    for module in ("normalisation", "segmentation", "matter_pairs", "matter_index", "masking", "misconduct",
                   "replies", "routing", "places", "evaluation", "corpus", "synthetic"):
        importlib.import_module(f"rexian.text.{module}")
    for name in ("normalise", "mask_personal_data", "detect_misconduct", "reply_scores", "suggest_route",
                 "same_matter", "segment", "link_batch"):
        assert callable(getattr(text_api, name)) and not isinstance(getattr(text_api, name), type(text_api)), name


def test_the_api_works_end_to_end_on_one_complaint():
    # A community director (a public servant), not the property manager: see rexian.text.misconduct on who counts.
    complaint = "雅苑小區物業維修的事找社區，社區主任態度惡劣，還說不給好處費就不給辦，電話13812345678"
    clean = text_api.normalise(complaint)
    assert "小区" in clean and "态度恶劣" in clean
    assert "138****5678" in text_api.mask_personal_data(clean)
    assert {hit["family"] for hit in text_api.detect_misconduct(complaint)} == {"hostile_attitude", "graft"}
    assert text_api.suggest_route(clean, k=3)[0][0] == "0901"  # 物业服务, under 09 住房物业
    assert text_api.suggest_route(clean, k=3, target="category_top")[0][0] == "09"
