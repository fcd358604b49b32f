"""Every malformed or encrypted PDF in ../shared/data/pdf-robustness ends as text or a typed failure."""

import json
import time

import pytest

from ingest.extract import Limits, Options
from ingest.isolation import Job, extract_isolated
from ingest.model import Failure, FailureReason, SourceDocument
from ingest.sources import discover, sha256_file

pytestmark = pytest.mark.shared

TIMEOUT_S = 20.0


def test_whole_robustness_corpus_gets_an_outcome_per_file(shared_data):
    folder = shared_data / "pdf-robustness"
    files = [p for p in discover([folder]) if p.suffix.lower() == ".pdf"]
    assert len(files) >= 100
    jobs = [Job(str(p), sha256_file(p)) for p in files]
    started = time.monotonic()
    outcomes = {}
    for result in extract_isolated(jobs, Options(ocr=False), Limits(timeout_s=TIMEOUT_S), workers=2):
        outcomes[result.path] = result
    elapsed = time.monotonic() - started
    assert set(outcomes) == {str(p) for p in files}, "every file has exactly one outcome"
    for path, result in outcomes.items():
        assert isinstance(result, (SourceDocument, Failure)), path
        if isinstance(result, Failure):
            assert isinstance(result.reason, FailureReason)
            assert result.detail and "Traceback" not in result.detail, path
        else:
            assert any(page.text.strip() for page in result.pages), path
    # No file may run past its limit: the whole batch stays well under files × limit.
    assert elapsed < len(files) * 1.0 + TIMEOUT_S + 10
    reasons = {r.reason for r in outcomes.values() if isinstance(r, Failure)}
    assert FailureReason.ENCRYPTED in reasons and FailureReason.CORRUPT in reasons


def test_known_passwords_open_encrypted_files_and_wrong_ones_are_named(shared_data):
    folder = shared_data / "pdf-robustness"
    passwords = {k: v for k, v in json.loads((folder / "passwords.json").read_text()).items() if not k.startswith("_")}
    name, entry = next((k, v) for k, v in passwords.items() if "libreoffice-writer-password" in k)
    path = str(folder / name)
    opened = list(extract_isolated([Job(path, sha256_file(folder / name))], Options(password=entry["user"], ocr=False), Limits(), workers=1))
    assert isinstance(opened[0], SourceDocument) and opened[0].passages
    refused = list(extract_isolated([Job(path, "x")], Options(password="not-the-password", ocr=False), Limits(), workers=1))
    assert isinstance(refused[0], Failure) and refused[0].reason == FailureReason.WRONG_PASSWORD
    locked = list(extract_isolated([Job(path, "x")], Options(ocr=False), Limits(), workers=1))
    assert locked[0].reason == FailureReason.ENCRYPTED


def test_a_reader_past_its_time_limit_is_stopped_and_recorded(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=9)
    for number in range(1500):
        pdf.add_page()
        for line in range(60):
            pdf.cell(0, 4, f"Seite {number} Zeile {line}: Der Zeuge schilderte die Haftbedingungen.", new_x="LMARGIN", new_y="NEXT")
    slow = tmp_path / "slow.pdf"
    pdf.output(str(slow))
    good = tmp_path / "good.md"
    good.write_text("Der Zeuge sagte in der Hauptverhandlung aus.", encoding="utf-8")
    started = time.monotonic()
    jobs = [Job(str(slow), "s" * 64), Job(str(good), "g" * 64)]
    results = {r.path: r for r in extract_isolated(jobs, Options(ocr=False), Limits(timeout_s=1.0, max_pages=5000), workers=2)}
    assert time.monotonic() - started < 10
    assert results[str(slow)].reason == FailureReason.TIMEOUT
    assert "1 s limit" in results[str(slow)].detail
    assert isinstance(results[str(good)], SourceDocument)


def test_special_files_are_refused_without_blocking(tmp_path):
    import os

    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    result = list(extract_isolated([Job(str(fifo), "f" * 64)], Options(), Limits(timeout_s=5), workers=1))[0]
    assert result.reason == FailureReason.UNSUPPORTED
