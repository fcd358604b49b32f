"""A generated batch of PDFs and Markdown notes for crash and concurrency tests."""

from pathlib import Path

from fpdf import FPDF


def make_batch(folder: Path, count: int = 36) -> None:
    folder.mkdir()
    for i in range(count):
        if i % 3 == 0:
            pdf = FPDF()
            pdf.set_font("helvetica", size=11)
            for page in range(6):
                pdf.add_page()
                for para in range(4):
                    pdf.multi_cell(0, 5, f"Rn. {page * 4 + para + 1} Dokument {i}, Seite {page + 1}: Der Zeuge {i} schilderte die Haft in der Abteilung {200 + i} und die Vernehmungen im Keller.")
                    pdf.ln(4)
            pdf.output(str(folder / f"doc-{i:03d}.pdf"))
        else:
            body = "\n\n".join(f"{n}. Hearing note {i}, paragraph {n}: witness W-{i} described cell {n} of Branch {200 + n}." for n in range(1, 9))
            (folder / f"note-{i:03d}.md").write_text(f"# Hearing notes {i}\n\n{body}\n", encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF")
