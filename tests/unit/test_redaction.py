"""Shield.text: protected names out, pseudonyms in, in any script and with Arabic proclitics."""

from pipelines.protection import Shield


def shield() -> Shield:
    return Shield(
        pseudonyms={"person:marwan qasimi": "Witness W-3"},
        spans={"p1": [(4, 17, "Witness W-3")]},
        surface={"marwan qasimi": "Witness W-3", "qasimi": "Witness W-3", "marwan": "Witness W-3", "مروان قاسمي": "Witness W-3"},
    )


def test_stored_spans_and_other_spellings_are_replaced():
    text = "Mr. Marwan Qasimi spoke. Later QASIMI added details."
    assert shield().text(text, "p1") == "Mr. Witness W-3 spoke. Later Witness W-3 added details."


def test_arabic_name_with_a_glued_conjunction_goes_whole():
    assert shield().text("قال ومروان قاسمي إنه اعتقل", None) == "قال Witness W-3 إنه اعتقل"


def test_words_that_merely_contain_a_name_stay():
    assert shield().text("Marwanistan and Qasimiya are other words.", None) == "Marwanistan and Qasimiya are other words."


def test_an_empty_shield_changes_nothing():
    assert Shield().text("Marwan Qasimi", "p1") == "Marwan Qasimi"
