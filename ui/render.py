"""Safe HTML for passages: every piece of document text is escaped before it is wrapped."""

from __future__ import annotations

import html
import re


def passage_html(text: str, spans: list[tuple[int, int]], lang: str, anchor: str | None = None) -> str:
    """`text` escaped, `spans` wrapped in <mark>, Arabic marked dir="rtl". `anchor` (a passage id)
    becomes the element's id, so a page can be linked at that passage."""
    out, position = [], 0
    for start, end in sorted(spans):
        if start < position:
            continue
        out.append(html.escape(text[position:start]))
        out.append("<mark>" + html.escape(text[start:end]) + "</mark>")
        position = end
    out.append(html.escape(text[position:]))
    direction = "rtl" if lang == "ar" else "ltr"
    ident = f' id="p-{re.sub(r"[^0-9A-Za-z_-]", "-", anchor)}"' if anchor else ""
    return f'<div class="passage"{ident} dir="{direction}" lang="{html.escape(lang)}">{"".join(out)}</div>'
