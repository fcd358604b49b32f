"""HTML to text: block elements become paragraphs; scripts, styles and markup are dropped."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from ingest import textclean

_BLOCKS = "h1,h2,h3,h4,h5,h6,p,li,blockquote,pre,td,th,dt,dd,figcaption,caption"


def html_pages(raw: bytes) -> list[str]:
    tree = LexborHTMLParser(raw.decode("utf-8", errors="replace"))
    for node in tree.css("script,style,noscript,template,iframe,object,embed,svg"):
        node.decompose()
    blocks = []
    for node in tree.css(_BLOCKS):
        # Nested blocks (a <p> inside an <li>) are read once, at the innermost level.
        if any(child.mem_id != node.mem_id for child in node.css(_BLOCKS)):
            continue
        text = " ".join(textclean.normalize_page_text(node.text(separator=" ")).split())
        if text:
            blocks.append(text)
    if not blocks and tree.body is not None:
        blocks = [b.strip() for b in tree.body.text(separator="\n").split("\n\n") if b.strip()]
    return ["\n\n".join(blocks)]


def html_title(raw: bytes) -> str | None:
    node = LexborHTMLParser(raw.decode("utf-8", errors="replace")).css_first("title")
    title = " ".join(node.text().split()) if node else ""
    return title or None
