"""Entity extraction as users meet it: the real spaCy models, gazetteers and rules, on sentences
written for these tests, on the project's hand-annotated gold set, and through the CLI."""

import json
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.entities.extract import extract_mentions
from tests.conftest import ROOT

GOLD = ROOT / "corpora" / "gold"


def _one(text: str, lang: str):
    return extract_mentions([text], [lang])[0]


def _by_text(mentions):
    return {m.text: m for m in mentions}


def test_german_perpetrator_facility_law_and_case_number():
    text = "Der Angeklagte Anwar R. war als Oberst Leiter der Ermittlungen in der Abteilung 251; verurteilt nach § 7 VStGB im Verfahren 1 StE 9/19."
    found = _by_text(_one(text, "de"))
    assert found["Anwar R."].label == "PERSON" and found["Anwar R."].role == "accused"
    assert "Angeklagte" in found["Anwar R."].role_cue and found["Anwar R."].role_confidence > 0
    assert found["Abteilung 251"].label == "FACILITY"
    assert any(m.label == "LAW" and "VStGB" in m.text for m in found.values())
    assert any(m.label == "CASE_NUMBER" and m.text == "1 StE 9/19" for m in found.values())


def test_rank_marks_the_person_but_is_not_part_of_the_name():
    found = _by_text(_one("Colonel Karim Haddad ordered the transfer to Saydnaya.", "en"))
    assert "Karim Haddad" in found and found["Karim Haddad"].title == "Colonel"
    assert found["Saydnaya"].label == "FACILITY"


def test_arabic_proclitics_stay_outside_facility_and_person_spans():
    text = "وقال الشاهد سامر نصار إنه نقل من دمشق وبفرع الخطيب عذب."
    mentions = _one(text, "ar")
    spans = {m.text: m for m in mentions}
    assert "فرع الخطيب" in spans and spans["فرع الخطيب"].label == "FACILITY"
    assert spans["سامر نصار"].role == "witness"
    assert not any(m.text.startswith(("وب", "وال")) for m in mentions)


def test_every_role_has_its_evidence():
    texts = ["The witness Rana Saleh described beatings in Branch 251.", "Der Nebenkläger Omar Kassem schilderte die Haft.",
             "وقالت القاضية منى عيسى إن الجلسة سرية."]
    roles = set()
    for text, mentions in zip(texts, extract_mentions(texts, ["en", "de", "ar"])):
        persons = [m for m in mentions if m.label == "PERSON"]
        assert persons
        for person in persons:
            roles.add(person.role)
            assert (person.role == "unknown") == (person.role_cue is None)
            if person.role_cue:  # the cue is quoted from the passage, where it says it is
                assert text[person.role_cue_start : person.role_cue_start + len(person.role_cue)] == person.role_cue
                assert 0 < person.role_confidence <= 1
    assert {"witness", "co-plaintiff", "judge"} <= roles


def test_a_name_found_once_is_recognised_where_it_recurs_alone():
    passages = ["The co-plaintiff Samir Haddad described the cell.", "Haddad said he was beaten every night.",
                "A witness referred to as witness P-7 testified anonymously.", "P-7 said the guards beat him."]
    mentions = extract_mentions(passages, ["en"] * 4)
    assert "Haddad" in _by_text(mentions[1]) and _by_text(mentions[1])["Haddad"].label == "PERSON"
    assert "P-7" in _by_text(mentions[2]) and "P-7" in _by_text(mentions[3])
    # A court found by the gazetteer stays a court, even where a model took its city for a person's name.
    court = _by_text(extract_mentions(["Higher Regional Court Koblenz", "Judge Koblenz Meyer spoke."], ["en", "en"])[0])
    assert court and all(m.label != "PERSON" for m in court.values())


# The three gold sets (corpora/gold/README.md): the tuning set; held-out 1, written blind after that tuning
# and read on 25 Nov 2026 to write general role rules; held-out 2, written blind after all of it.
# Role accuracy is below the 0.85 target on all (docs/MEASUREMENTS.md); the floors sit under today's figures.
GOLD_SETS = {"tuning": ("", 60, 0.80), "held-out 1": ("heldout/", 120, 0.75), "held-out 2": ("heldout2/", 75, 0.62)}


@pytest.mark.parametrize("gold_set", GOLD_SETS)
@pytest.mark.parametrize("lang, target", [("de", 0.85), ("ar", 0.80), ("en", 0.80)])
def test_eval_ner_on_the_gold_sets_meets_the_entity_targets(gold_set, lang, target, capsys):
    folder, persons, role_floor = GOLD_SETS[gold_set]
    path = GOLD / f"{folder}ner-{lang}.conll"
    assert main(["eval-ner", "--conll", str(path), "--lang", lang, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)[str(path)]
    assert report["types"]["PER+ORG+LOC"]["f1"] >= target
    assert report["types"]["FAC"]["recall"] >= 0.90
    assert report["roles"]["persons"] >= persons
    assert report["roles"]["accuracy"] >= role_floor


def test_ner_conll_keeps_the_given_tokens_and_tags_them(tmp_path, capsys):
    conll = tmp_path / "in.conll"
    conll.write_text("Der\tX\nZeuge\tX\nSamir\tX\nHaddad\tX\nwar\tX\nin\tX\nSaydnaya\tX\n.\tX\n\nBerlin\tX\n", encoding="utf-8")
    assert main(["ner", "--conll", str(conll), "--lang", "de"]) == 0
    lines = capsys.readouterr().out.strip("\n").split("\n")
    rows = [line.split("\t") for line in lines]
    assert [r[0] for r in rows if r != [""]] == ["Der", "Zeuge", "Samir", "Haddad", "war", "in", "Saydnaya", ".", "Berlin"]
    tags = {r[0]: r[1] for r in rows if len(r) > 1}
    assert (tags["Samir"], tags["Haddad"], tags["Saydnaya"], tags["Der"]) == ("B-PER", "I-PER", "B-FAC", "O")
    assert "" in lines  # the sentence break is kept


def test_entities_cli_lists_people_with_roles(sample_data, capsys):
    assert main(["entities", "--data", str(sample_data), "--type", "person", "--role", "accused", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed and any("Raslan" in json.dumps(e, ensure_ascii=False) or "Anwar R." in json.dumps(e, ensure_ascii=False) for e in listed)


def test_names_in_a_list_share_the_role_of_a_cue_outside_it():
    found = _by_text(_one("Samir Nasser, Omar Kassem and Rana Saleh were arrested at the checkpoint.", "en"))
    assert {found[n].role for n in ("Samir Nasser", "Omar Kassem", "Rana Saleh")} == {"victim"}
    assert found["Samir Nasser"].role_cue == found["Rana Saleh"].role_cue
    # Two different roles in one list are left as they are.
    mixed = _by_text(_one("The witness Samir Nasser and the defendant Eyad al-Gharib entered.", "en"))
    assert mixed["Samir Nasser"].role == "witness"
    # A profession before a name does not break the list.
    listed = _by_text(_one("Among the co-plaintiffs were the engineer Samir Haddad and the pharmacist Layla Darwish.", "en"))
    assert listed["Layla Darwish"].role == listed["Samir Haddad"].role == "co-plaintiff"
    # Two names with a comma between them are an apposition, not a list: counsel is not the accused.
    apposition = _by_text(_one("Counsel for al-Gharib, Dr. Lena Paulsen, announced a statement.", "en"))
    assert apposition["al-Gharib"].role == "accused" and apposition["Lena Paulsen"].role != "accused"


def _roles(text: str, lang: str) -> dict[str, str]:
    return {m.text: m.role for m in _one(text, lang) if m.label == "PERSON"}


def test_a_role_word_belongs_to_the_name_it_stands_before_and_inflects():
    roles = _roles("Present were associate judges Matthias Kühnel, Kathrin Lindemeyer and Ingrid Taubert, "
                   "prosecutor Miriam Hollstein and the interpreter Yara Mansi.", "en")
    assert roles == {"Matthias Kühnel": "judge", "Kathrin Lindemeyer": "judge", "Ingrid Taubert": "judge",
                     "Miriam Hollstein": "prosecutor", "Yara Mansi": "unknown"}
    roles = _roles("Verteidigt wurde der Angeklagte Anwar R. von den Rechtsanwälten Ansgar Wendlandt und Dr. Kai Ostermeier.", "de")
    assert roles == {"Anwar R.": "accused", "Ansgar Wendlandt": "counsel", "Kai Ostermeier": "counsel"}
    # "als Vorsitzende Richterin" describes the name before it, not the one after the comma.
    roles = _roles("Es wirkten Dr. Annegret Vollmer als Vorsitzende Richterin, Kathrin Lindemeyer als Protokollführerin mit.", "de")
    assert roles["Annegret Vollmer"] == "judge" and roles["Kathrin Lindemeyer"] == "unknown"


def test_arabic_dual_and_suffixed_role_nouns_introduce_names():
    roles = _roles("وطرح القاضيان ماتياس كونيل وهيلموت روسباخ أسئلة على المتهم رسلان.", "ar")
    assert roles == {"ماتياس كونيل": "judge", "هيلموت روسباخ": "judge", "رسلان": "accused"}
    roles = _roles("ومثل المتهم إياد الغريب بصحبة محاميه هيلغه راوتنبرغ.", "ar")
    assert roles == {"إياد الغريب": "accused", "هيلغه راوتنبرغ": "counsel"}


def test_the_agent_of_a_torture_verb_is_not_its_victim_and_defence_counsel_marks_the_accused():
    roles = _roles("Samir Haddad said he was beaten by Abu Waleed in the basement.", "en")
    assert roles == {"Samir Haddad": "victim", "Abu Waleed": "unknown"}
    mention = next(m for m in _one("Raslan's lawyers read out a statement on his behalf.", "en") if m.label == "PERSON")
    assert mention.role == "accused" and "lawyers" in mention.role_cue
    text = "Raslan's lawyers read out a statement on his behalf."
    assert text[mention.role_cue_start : mention.role_cue_start + len(mention.role_cue)] == mention.role_cue


def test_a_german_participle_at_the_end_of_the_clause_speaks_for_its_subject():
    text = ("Rn. 16 Der Student Karim Qudsi wurde nach eigenen Angaben 41 Tage lang in einer Gemeinschaftszelle "
            "im Untergeschoss der Al-Khatib-Abteilung festgehalten.")
    mention = next(m for m in _one(text, "de") if m.label == "PERSON")
    assert mention.role == "victim" and mention.role_cue == "festgehalten"
    # A clause boundary stops it: the name before the comma is not the one held.
    text = "Rn. 17 Der Student Karim Qudsi bestätigte dies, und man hatte andere Männer im Untergeschoss der Abteilung über viele Wochen festgehalten."
    assert _roles(text, "de")["Karim Qudsi"] == "unknown"



def test_a_cue_in_another_sentence_does_not_speak_for_a_name():
    roles = _roles("The indictment describes beatings, electric shocks and suspension by the wrists. "
                   "Tobias Rennert stressed that Germany prosecutes under universal jurisdiction.", "en")
    assert roles["Tobias Rennert"] == "unknown"
    # An initial or an abbreviation with a full stop does not end the sentence.
    roles = _roles("Rn. 12 Der Zeuge Dr. Samir Nasser wurde in der Abteilung 251 gefoltert.", "de")
    assert roles["Samir Nasser"] == "witness"


def test_an_english_word_without_a_capital_is_no_name():
    mentions = _one("Tariq Mansour described his transfer to Saydnaya in the summer of 2012 in a closed lorry without windows.", "en")
    assert "lorry" not in {m.text for m in mentions}


def test_an_arabic_name_ends_at_a_comma_glued_to_it():
    # As PDFs give Arabic text: the comma right after the name, without a space.
    roles = _roles("5. ثم أدلى الشاهد طارق منصور، وهو فني كهرباء من الزبداني، بإفادته.", "ar")
    assert roles == {"طارق منصور": "witness"}


def test_eval_ner_in_context_scores_gold_sentences_in_their_ingested_passages(sample_data, capsys):
    path = str(GOLD / "ner-de.conll")
    assert main(["eval-ner", "--conll", path, "--lang", "de", "--in-context", str(sample_data), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    in_context, alone = report[f"{path} (in context)"], report[f"{path} (as a gold file)"]
    assert in_context["types"]["PER+ORG+LOC"]["support"] == alone["types"]["PER+ORG+LOC"]["support"] > 100
    assert in_context["types"]["PER+ORG+LOC"]["f1"] >= 0.85


def test_an_anonymised_name_in_quotation_marks_is_found():
    text = 'The written judgment refers to the defendants as "Anwar R." and "Eyad A.", as German practice requires.'
    assert {"Anwar R.", "Eyad A."} <= {m.text for m in _one(text, "en") if m.label == "PERSON"}


def test_arabic_function_and_role_words_are_never_a_persons_name():
    # The model took "معتقلين قضوا" (detainees who died) for a person in this sample paragraph.
    text = ("8. وفي عام 2015 تعرفت هالة الصباغ على صورة ابنها بين آلاف الصور لجثث معتقلين قضوا تحت التعذيب، "
            "سربها مصور عسكري منشق إلى خارج سوريا.")
    assert not [m.text for m in _one(text, "ar") if m.label == "PERSON" and "معتقلين" in m.text]
