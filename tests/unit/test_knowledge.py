"""Knowledge-base matching: Chinese two-character words, English words, the product category, the cut-off."""
from portal.domain.knowledge import MIN_SCORE, Candidate, best, score
from portal.seed.knowledge import KNOWLEDGE

ARTICLES = [Candidate(i, title, keywords, (cats,) if isinstance(cats, str) else tuple(cats or ()))
            for i, (title, cats, keywords, _) in enumerate(KNOWLEDGE)]


def titles(ids):
    return [ARTICLES[i].title for i in ids]


def test_chinese_two_character_words_are_found_without_spaces():
    assert "黑屏" in titles(best("今天早上开机后一直黑屏", ARTICLES, "display"))[0]
    assert "漏水" in titles(best("洗衣机底下有漏水", ARTICLES, "appliance"))[0]
    assert "跳闸" in titles(best("一开机就跳闸了", ARTICLES, "appliance"))[0]


def test_english_words_and_error_codes_match_whole_words():
    assert "E21" in titles(best("it shows E21 and stops", ARTICLES, "appliance"))[0]
    assert "black" in titles(best("The screen stays black", ARTICLES, "display"))[0]
    assert best("blackboard", ARTICLES) == []  # no part-word matches in English


def test_at_most_three_and_nothing_below_the_cut_off():
    assert len(best("黑屏 花屏 闪屏 触摸失灵 不亮 无显示", ARTICLES, "display")) == 3
    assert best("你好", ARTICLES) == [] and best("", ARTICLES) == []
    assert all(score("谢谢", a) < MIN_SCORE for a in ARTICLES)


def test_the_category_breaks_a_tie():
    display, washer = Candidate(1, "Black", "黑屏", ("display",)), Candidate(2, "Black", "黑屏", ("appliance",))
    assert best("黑屏", [washer, display], "display") == [1, 2]
    assert best("黑屏", [washer, display], "appliance") == [2, 1]


def test_an_article_for_several_categories_gets_the_point_for_each():
    both = Candidate(1, "Black", "黑屏", ("display", "equipment"))
    washer = Candidate(2, "Black", "黑屏", ("appliance",))
    assert best("黑屏", [washer, both], "equipment") == [1, 2]
    assert best("黑屏", [washer, both], "display") == [1, 2]
    assert best("黑屏", [both, washer], "appliance") == [2, 1]
