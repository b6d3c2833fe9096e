import importlib
import subprocess
import sys

import jieba

from rexian.text.segmentation import content_words, dictionary_words, segment

segment_module = importlib.import_module("rexian.text.segmentation")


def test_domain_terms_are_kept_whole():
    words = segment("小区门口占道经营噪音扰民，物业公司态度恶劣，工作人员收了好处费")
    for term in ("占道经营", "噪音扰民", "物业公司", "态度恶劣", "好处费"):
        assert term in words


def test_content_words_drop_stop_words_punctuation_and_numbers():
    words = content_words("请问在A市买公寓能享受人才新政购房补贴吗？2019年")
    assert "人才新政" in words and "购房补贴" in words
    assert not {"请问", "吗", "？", "2019"} & set(words)


def test_the_packaged_dictionary_has_every_group_and_no_comment_lines():
    words = {word for word, _, _ in dictionary_words()}
    assert {"棚户区", "井盖", "城管局", "拖欠工资", "吃拿卡要"} <= words
    assert not any(word.startswith("#") for word in words)


def test_importing_the_text_package_loads_neither_jieba_nor_opencc_nor_sklearn():
    code = ("import sys, rexian.text, rexian.text.segmentation, rexian.text.misconduct, rexian.text.routing, "
            "rexian.text.matter_index, rexian.cli.text; "
            "print(sorted(m for m in ('jieba', 'opencc', 'sklearn') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**__import__("os").environ, "PYTHONPATH": "src"})
    assert result.stdout.strip() == "[]"


def test_the_segmenter_cache_goes_to_the_configured_directory(tmp_path, monkeypatch, configured_text):
    monkeypatch.setenv("REXIAN_TEXT_CACHE_DIR", str(tmp_path))
    configured_text()
    monkeypatch.setattr(segment_module, "_TOKENIZER", None)
    made = segment_module.tokenizer()
    assert made.tmp_dir == str(tmp_path)
    assert isinstance(made, jieba.Tokenizer)


def test_a_user_dictionary_adds_words(tmp_path, monkeypatch, configured_text):
    user_dict = tmp_path / "mine.txt"
    user_dict.write_text("# 本市地名\n润芳园 100 ns\n", encoding="utf-8")
    monkeypatch.setenv("REXIAN_TEXT_USER_DICT", str(user_dict))
    configured_text()
    monkeypatch.setattr(segment_module, "_TOKENIZER", None)
    assert "润芳园" in segment("润芳园楼下油烟扰民")
    monkeypatch.setattr(segment_module, "_TOKENIZER", None)
