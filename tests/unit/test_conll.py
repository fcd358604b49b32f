"""Reading other projects' gold files for `dalil eval-ner`: their columns and label sets."""

from pipelines.entities.conll import normalize_gold_label, read_conll, spans_of


def test_germeval_reads_the_token_and_the_outer_level(tmp_path):
    path = tmp_path / "germeval.tsv"
    path.write_text("#\thttp://example.org\t[2010-01-01]\n1\tDie\tO\tO\n2\tEU-Kommission\tB-ORGpart\tB-ORG\n"
                    "3\tin\tO\tO\n4\tBrüssel\tB-LOC\tO\n5\tund\tO\tO\n6\tdeutschen\tB-LOCderiv\tO\n", encoding="utf-8")
    [sentence] = read_conll(path)
    assert sentence.tokens == ["Die", "EU-Kommission", "in", "Brüssel", "und", "deutschen"]
    gold = {(s, e, normalize_gold_label(label)) for s, e, label in spans_of(sentence.gold)}
    assert {g for g in gold if g[2]} == {(3, 4, "LOC")}  # derived and partial names are not entities


def test_wikiann_language_prefix_and_ler_fine_labels(tmp_path):
    wikiann = tmp_path / "wikiann.iob"
    wikiann.write_text("en:George\tB-PER\nen:Hearst\tI-PER\n", encoding="utf-8")
    assert read_conll(wikiann)[0].tokens == ["George", "Hearst"]
    assert [normalize_gold_label(x) for x in ("RR", "AN", "GRT", "INN", "LD", "ST", "GS", "RS")] == ["PER", "PER", "ORG", "ORG", "LOC", "LOC", None, None]


def test_each_alone_does_not_remember_names_from_other_sentences(tmp_path):
    from pipelines.entities.conll import predict

    gold = tmp_path / "g.conll"
    gold.write_text("Der\tO\nZeuge\tO\nSamir\tB-PER\nHaddad\tI-PER\nsagte\tO\naus\tO\n.\tO\n\n"
                    "Haddad\tB-PER\nschwieg\tO\n.\tO\n", encoding="utf-8")
    sentences = read_conll(gold)
    assert predict(sentences, "de")[1][0][0] == "B-PER"  # remembered from the first sentence
    assert predict(sentences, "de", each_alone=True)[1][0][0] == "O"
