"""`dalil bench ingest`: throughput and memory of ingestion, each next to its baseline, in one run.

- born-digital pages/s end to end (extract + language + entities + index) vs pdfplumber alone;
- OCR pages/s through Dalil vs the raw `tesseract` CLI on the same page images, run the same way
  (two processes at a time);
- peak RSS of the ingest process tree at two corpus sizes (it should stay flat).
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import subprocess
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# Paragraphs are in one language each, as in real judgments and notes (files alternate German and
# English); until 25 Nov 2026 every paragraph mixed both, which no real document does.
_SENTENCES = {
    "de": [
        "Der Zeuge {n} schilderte die Haftbedingungen in der Abteilung 251 und die Vernehmungen durch das Ermittlungsreferat.",
        "Die Kammer hält die Aussage für glaubhaft, weil sie in den wesentlichen Punkten mit den übrigen Beweismitteln übereinstimmt.",
        "Nach den Feststellungen des Senats wurden die Gefangenen am Tag {n} in überfüllten Zellen im Keller des Gebäudes festgehalten.",
        "Die Verteidigung befragte den Sachverständigen zur Struktur der Nachrichtendienste und zur Befehlskette in der Abteilung.",
    ],
    "en": [
        "The witness {n} described the interrogation at Branch 251 and the overcrowded cells in the basement of the building.",
        "According to the notes of hearing day {n}, the defence questioned the expert on the structure of the intelligence services.",
        "The court found the account credible because it matched the other evidence in all essential points of the case.",
        "Detainees were held for weeks without light or air, and several of them were beaten during the night by the guards.",
    ],
}


def make_born_digital(folder: Path, pages: int, pages_per_file: int = 10) -> list[Path]:
    from fpdf import FPDF

    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for f in range(max(1, pages // pages_per_file)):
        pdf = FPDF()
        pdf.set_font("helvetica", size=10)
        for p in range(pages_per_file):
            pdf.add_page()
            pdf.cell(0, 5, f"OLG Koblenz - 1 StE 9/19 - Benchmark {f}", new_x="LMARGIN", new_y="NEXT")
            for r in range(8):
                n = f * 1000 + p * 10 + r
                sentences = _SENTENCES["de" if f % 2 == 0 else "en"]
                text = " ".join(s.format(n=n) for s in sentences[r % 4 :] + sentences[: r % 4])
                pdf.multi_cell(0, 5, f"Rn. {p * 8 + r + 1} {text}".encode("latin-1", "replace").decode("latin-1"))
                pdf.ln(3)
        path = folder / f"bench-{f:04d}.pdf"
        pdf.output(str(path))
        files.append(path)
    return files


def pdfplumber_pages_per_s(files: list[Path]) -> tuple[int, float]:
    import pdfplumber

    started, count = time.perf_counter(), 0
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                count += 1
    return count, count / (time.perf_counter() - started)


def dalil_ingest(folder: Path, data: Path, extra: list[str] | None = None, dense: bool = True) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of `dalil ingest` as a child process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    env = dict(os.environ, DALIL_DENSE="1" if dense else "0")
    subprocess.run([sys.executable, "-m", "pipelines.cli", "ingest", str(folder), "--data", str(data), "-q", *(extra or [])],
                   check=True, stdout=subprocess.DEVNULL, env=env)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before)


def _ocr_images(folder: Path, count: int) -> list[Path]:
    from PIL import Image, ImageDraw, ImageFont

    folder.mkdir(parents=True, exist_ok=True)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 40)
    paths = []
    for i in range(count):
        image = Image.new("L", (2480, 3508), 255)
        draw = ImageDraw.Draw(image)
        y = 200
        for r in range(30):
            draw.text((200, y), _SENTENCES[(i + r) % 4].format(n=i * 100 + r)[:80], fill=0, font=font)
            y += 95
        path = folder / f"page-{i:03d}.png"
        image.save(path)
        paths.append(path)
    return paths


def raw_tesseract_pages_per_s(images: list[Path], langs: str, workers: int = 2) -> float:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def run(path: Path) -> None:
        subprocess.run(["tesseract", str(path), "-", "-l", langs], check=True, capture_output=True, env=env)

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(run, images))
    return len(images) / (time.perf_counter() - started)


def dalil_ocr_pages_per_s(images: list[Path], langs: str, workers: int = 2) -> float:
    from PIL import Image

    from ingest import ocr

    loaded = [Image.open(p) for p in images]
    started = time.perf_counter()
    ocr.ocr_pages(loaded, langs, workers=workers)
    return len(images) / (time.perf_counter() - started)


def bench_ingest(sizes: tuple[int, ...] = (100, 400), ocr_pages: int = 8) -> dict:
    report: dict = {"born_digital": [], "ocr": None}
    root = Path(tempfile.mkdtemp(prefix="dalil-bench-"))
    try:
        for size in sizes:
            corpus = root / f"corpus-{size}"
            files = make_born_digital(corpus, size)
            pages, plumber = pdfplumber_pages_per_s(files)
            lexical, peak_lexical = dalil_ingest(corpus, root / f"data-{size}-lexical", dense=False)
            elapsed, peak = dalil_ingest(corpus, root / f"data-{size}", dense=True)
            row = {"pages": pages, "pdfplumber_pages_per_s": round(plumber, 1),
                   "dalil_pages_per_s": round(pages / elapsed, 1), "dalil_without_embeddings_pages_per_s": round(pages / lexical, 1),
                   "dalil_seconds": round(elapsed, 2), "peak_rss_mib": round(max(peak, peak_lexical) / 1024, 1)}
            report["born_digital"].append(row)
            print(f"born-digital {pages:5d} pages: Dalil end to end {row['dalil_pages_per_s']:6.1f} pages/s with embeddings, "
                  f"{row['dalil_without_embeddings_pages_per_s']:6.1f} without (DALIL_DENSE=0) | pdfplumber alone "
                  f"{row['pdfplumber_pages_per_s']:6.1f} pages/s | peak RSS {row['peak_rss_mib']:.0f} MiB", flush=True)
        if shutil.which("tesseract") and ocr_pages:
            images = _ocr_images(root / "ocr", ocr_pages)
            raw = raw_tesseract_pages_per_s(images, "deu+eng")
            try:
                ours = dalil_ocr_pages_per_s(images, "deu+eng")
            except ImportError:
                ours = None
            report["ocr"] = {"pages": len(images), "raw_tesseract_pages_per_s": round(raw, 2),
                             "dalil_pages_per_s": round(ours, 2) if ours else None,
                             "ratio": round(ours / raw, 2) if ours else None}
            print(f"OCR {len(images)} pages: Dalil {report['ocr']['dalil_pages_per_s']} pages/s | raw tesseract CLI "
                  f"{report['ocr']['raw_tesseract_pages_per_s']} pages/s | ratio {report['ocr']['ratio']} (goal ≥ 0.9)", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return report


# --- cross-reference ------------------------------------------------------------------------------
_GIVEN = ["Mohammed", "Muhammad", "Ahmad", "Ahmed", "Khaled", "Khalid", "Youssef", "Yusuf", "Omar", "Umar", "Hussein", "Husain",
          "Mahmoud", "Mahmud", "Ali", "Hassan", "Samir", "Samer", "Tariq", "Tarek", "Jamil", "Djamil", "Karim", "Nabil", "Walid",
          "محمد", "أحمد", "خالد", "يوسف", "عمر", "حسين", "محمود", "علي", "حسن", "سمير", "طارق", "جميل", "كريم", "نبيل", "وليد"]
_FAMILY = ["al-Hamwi", "Haddad", "Mansour", "Nassar", "Barakat", "Darwish", "Sabbagh", "al-Ali", "Khoury", "Saleh", "Hamdan",
           "Qassem", "Kassem", "al-Masri", "Ibrahim", "Abbas", "Younes", "Issa", "Hijazi", "Shami",
           "الحموي", "حداد", "منصور", "نصار", "بركات", "درويش", "الصباغ", "العلي", "خوري", "صالح", "حمدان", "قاسم", "المصري", "إبراهيم"]


_SYLLABLES = ["ab", "bar", "dar", "far", "ha", "jal", "kas", "lu", "man", "nas", "qad", "ra", "sab", "tah", "wa", "zak",
              "bak", "dib", "ghaz", "hil", "mu", "rif", "sal", "tam", "yas", "zu", "kar", "nab", "shar", "kha"]


def _family(rng) -> str:
    """Mostly invented family names (about 27,000 possible), some from the common list."""
    if rng.random() < 0.3:
        return rng.choice(_FAMILY)
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 3)))).capitalize()


def _synthetic_mentions(records, count: int, seed: int = 7) -> None:
    import random

    from ingest.model import LegalMeta, Page, Passage, SourceDocument
    from pipelines.entities.enrich import TAGGER_VERSION

    rng = random.Random(seed)
    per_doc, per_passage = 500, 5
    for d in range(max(1, count // per_doc)):
        doc_id = hashlib.sha256(f"bench-{d}".encode()).hexdigest()
        passages = [Passage(doc_id, 1, s, str(s + 1), 0, 10, "synthetic", "en") for s in range(per_doc // per_passage)]
        document = SourceDocument(doc_id, f"/bench/{d}.txt", f"{d}.txt", "text/plain",
                                  LegalMeta(case_number=f"1 StE {d % 40}/19"), [Page(1, "synthetic")], passages)
        rows = []
        for passage in passages:
            for k in range(per_passage):
                name = f"{rng.choice(_GIVEN)} {_family(rng)}"
                rows.append((passage.passage_id, doc_id, k * 20, k * 20 + len(name), name, "PERSON", "model", None,
                             "person:" + name.casefold(), "unknown", None, None, 0.0, None))
        records.put_document(document, "bench", None, rows, TAGGER_VERSION)


def bench_xref(mentions: int = 100_000) -> dict:
    """Cross-reference over N mentions (blocking) next to all-pairs matching timed on a sample."""
    import random

    from pipelines import crossref
    from pipelines.entities import names
    from pipelines.stores.record import RecordStore

    root = Path(tempfile.mkdtemp(prefix="dalil-xref-"))
    try:
        records = RecordStore(root / "records.sqlite3")
        _synthetic_mentions(records, mentions)
        started = time.perf_counter()
        stats = crossref.build(records)
        elapsed = time.perf_counter() - started
        keys = [r[0] for r in records.query("SELECT DISTINCT text FROM mentions")]
        sample = random.Random(1).sample(keys, min(300, len(keys)))
        t0 = time.perf_counter()
        for i, a in enumerate(sample):
            for b in sample[i + 1 :]:
                names.match_names(a, b)
        pair_cost = (time.perf_counter() - t0) / max(1, len(sample) * (len(sample) - 1) // 2)
        all_pairs = pair_cost * len(keys) * (len(keys) - 1) / 2
        report = {"mentions": mentions, "distinct_names": len(keys), "entities": stats["entities"], "links": stats["links"],
                  "blocking_seconds": round(elapsed, 2), "all_pairs_estimate_seconds": round(all_pairs, 1)}
        print(f"cross-reference of {mentions:,} mentions ({len(keys):,} distinct names): {elapsed:.2f} s with blocking keys "
              f"→ {stats['entities']:,} entities | all-pairs matching of the same names, estimated from a timed sample: "
              f"{all_pairs:,.0f} s", flush=True)
        return report
    finally:
        shutil.rmtree(root, ignore_errors=True)


# --- search ----------------------------------------------------------------------------------------
_VOCAB = {
    "de": ("Zeuge Haft Abteilung Folter Vernehmung Zelle Gefangene Geheimdienst Urteil Angeklagte Kammer Beweis Aussage Schläge "
           "Verlegung Keller Wärter Offizier Damaskus Festnahme Verhör Misshandlung Gericht Strafsenat Nebenkläger").split(),
    "en": ("witness detention branch torture interrogation cell prisoners intelligence judgment accused court evidence statement "
           "beatings transfer basement guards officer Damascus arrest questioning abuse chamber prosecutor plaintiff").split(),
    "ar": ("الشاهد الاحتجاز الفرع التعذيب التحقيق الزنزانة المعتقلين المخابرات الحكم المتهم المحكمة الأدلة الإفادة الضرب "
           "النقل القبو الحراس الضابط دمشق الاعتقال الاستجواب الإساءة الدائرة المدعي").split(),
}


def _synthetic_passages(count: int, seed: int = 3):
    import random

    from haystack import Document

    rng = random.Random(seed)
    langs = ("de", "en", "ar")
    for i in range(count):
        lang = langs[i % 3]
        words = rng.choices(_VOCAB[lang], k=40) + [f"n{rng.randrange(50_000)}", f"1 StE {i % 97}/{19 + i % 5}"]
        yield Document(id=f"bench:{i}", content=" ".join(words),
                       meta={"doc_id": f"d{i // 50}", "lang": lang, "page": 1 + i % 20, "seq": i, "doc_type": "judgment",
                             "case_number": f"1 StE {i % 97}/{19 + i % 5}", "court": "OLG Koblenz", "date": "2021-02-24"})


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2] * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def bench_search(sizes: tuple[int, ...] = (100_000,), queries: int = 200, baseline_size: int = 50_000) -> dict:
    """Index build, size, BM25 and hybrid latency p50/p95 per size; InMemoryDocumentStore BM25 baseline."""
    import random

    import numpy as np
    from haystack.document_stores.in_memory import InMemoryDocumentStore

    from pipelines.search_query import parse_query
    from pipelines.stores.tantivy_store import TantivyDocumentStore

    rng = random.Random(11)
    query_texts = [" ".join(rng.sample(_VOCAB[lang], 2)) for lang in ("de", "en", "ar") for _ in range(queries // 3)]
    report: dict = {"sizes": []}
    root = Path(tempfile.mkdtemp(prefix="dalil-search-"))
    try:
        for size in sizes:
            store = TantivyDocumentStore(root / f"index-{size}", writer_heap_bytes=256_000_000)
            started = time.perf_counter()
            batch = []
            for document in _synthetic_passages(size):
                batch.append(document)
                if len(batch) == 5000:
                    store.write_documents(batch)
                    batch = []
            store.write_documents(batch)
            store.commit()
            build = time.perf_counter() - started
            disk = sum(p.stat().st_size for p in (root / f"index-{size}").rglob("*") if p.is_file())
            parsed = [parse_query(q) for q in query_texts]
            store.bm25_retrieval(parsed[0], top_k=10)
            bm25 = []
            for query in parsed:
                t0 = time.perf_counter()
                store.bm25_retrieval(query, top_k=10)
                bm25.append(time.perf_counter() - t0)
            # Dense side at scale: synthetic unit vectors stand in for embeddings (latency and the ANN
            # index's recall against exact scoring, not retrieval quality). Like real embeddings they
            # cluster (topics); pure noise would have no nearest neighbours worth finding.
            from pipelines.stores.ann import AnnIndex

            gen = np.random.default_rng(5)
            centres = gen.standard_normal((2000, 512)).astype(np.float32)
            vectors = centres[gen.integers(0, len(centres), size)]
            for start in range(0, size, 100_000):
                vectors[start : start + 100_000] += 0.5 * gen.standard_normal((min(100_000, size - start), 512)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            t0 = time.perf_counter()
            ann = AnnIndex(vectors)
            ann_build = time.perf_counter() - t0
            noise = np.random.default_rng(6).standard_normal((len(parsed), 512)).astype(np.float32) * 0.5
            probes = centres[[rng.randrange(len(centres)) for _ in parsed]] + noise
            probes /= np.linalg.norm(probes, axis=1, keepdims=True)
            hybrid, exact, recall = [], [], []
            for query, q in zip(parsed, probes):
                t0 = time.perf_counter()
                store.bm25_retrieval(query, top_k=50)
                rows, _ = ann.search(q, 50)
                hybrid.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                scores = vectors @ q
                truth = np.argpartition(-scores, 10)[:10]
                exact.append(time.perf_counter() - t0)
                recall.append(len(set(rows[:10].tolist()) & set(truth.tolist())) / 10)
            row = {"passages": size, "build_seconds": round(build, 1), "index_mib": round(disk / 2**20, 1),
                   "bm25_p50_ms": round(_percentiles(bm25)[0], 2), "bm25_p95_ms": round(_percentiles(bm25)[1], 2),
                   "hybrid_p50_ms": round(_percentiles(hybrid)[0], 2), "hybrid_p95_ms": round(_percentiles(hybrid)[1], 2),
                   "exact_dense_p50_ms": round(_percentiles(exact)[0], 2), "exact_dense_p95_ms": round(_percentiles(exact)[1], 2),
                   "ann_build_seconds": round(ann_build, 1), "ann_recall_at_10": round(float(np.mean(recall)), 3),
                   "vectors_mib": round(vectors.nbytes / 2**20, 1),
                   "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
            report["sizes"].append(row)
            print(f"tantivy {size:>9,d} passages: build {row['build_seconds']} s, {row['index_mib']} MiB on disk; BM25 p50/p95 "
                  f"{row['bm25_p50_ms']}/{row['bm25_p95_ms']} ms; hybrid p50/p95 {row['hybrid_p50_ms']}/{row['hybrid_p95_ms']} ms "
                  f"with IVF-SQ8 (built in {row['ann_build_seconds']} s, recall@10 vs exact {row['ann_recall_at_10']}); "
                  f"exact float32 dense alone p50/p95 {row['exact_dense_p50_ms']}/{row['exact_dense_p95_ms']} ms; "
                  f"peak RSS {row['peak_rss_mib']} MiB", flush=True)
            del vectors, ann
        memory = InMemoryDocumentStore()
        memory.write_documents(list(_synthetic_passages(baseline_size)))
        samples = []
        for text in query_texts:
            t0 = time.perf_counter()
            memory.bm25_retrieval(text, top_k=10)
            samples.append(time.perf_counter() - t0)
        p50, p95 = _percentiles(samples)
        report["baseline"] = {"store": "haystack InMemoryDocumentStore", "passages": baseline_size, "bm25_p50_ms": round(p50, 2), "bm25_p95_ms": round(p95, 2)}
        print(f"baseline Haystack InMemoryDocumentStore {baseline_size:,d} passages: BM25 p50/p95 {p50:.2f}/{p95:.2f} ms", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return report


def bench_ner(tokens_per_language: int = 20_000, rounds: int = 3) -> dict:
    """Tokens/s per language for the whole entity stage (model + gazetteer + rules + roles), next to the
    bare spaCy model measured in the same run; the median of `rounds`. Text: the gold sentences of
    corpora/gold, repeated."""
    from pipelines.entities.conll import read_conll
    from pipelines.entities.extract import extract_mentions
    from pipelines.entities.statistical import load_model

    gold = Path(__file__).resolve().parents[1] / "corpora" / "gold"
    report: dict = {}
    for lang in ("en", "de", "ar"):
        sentences = [" ".join(s.tokens) for s in read_conll(gold / f"ner-{lang}.conll")]
        per_round = sum(len(s.split()) for s in sentences)
        texts = sentences * max(1, tokens_per_language // per_round)
        tokens = per_round * (len(texts) // len(sentences))
        nlp = load_model(lang)
        list(nlp.pipe(texts[:50]))  # warm up (weights in cache)
        extract_mentions(texts[:50], [lang] * 50)
        bare_times, full_times = [], []
        for _ in range(rounds):  # interleaved, so a busy moment of the machine does not fall on one side only
            t0 = time.perf_counter()
            for start in range(0, len(texts), 64):
                list(nlp.pipe(texts[start : start + 64], batch_size=64))
            bare_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            for start in range(0, len(texts), 64):
                extract_mentions(texts[start : start + 64], [lang] * len(texts[start : start + 64]))
            full_times.append(time.perf_counter() - t0)
        bare, full = statistics.median(bare_times), statistics.median(full_times)
        row = {"tokens": tokens, "rounds": rounds, "entity_stage_tokens_per_s": round(tokens / full), "bare_model_tokens_per_s": round(tokens / bare)}
        report[lang] = row
        print(f"{lang}: entity stage {row['entity_stage_tokens_per_s']:>7,d} tokens/s | bare spaCy model "
              f"{row['bare_model_tokens_per_s']:>7,d} tokens/s ({tokens:,d} tokens, one process, median of {rounds} rounds)", flush=True)
    return report
