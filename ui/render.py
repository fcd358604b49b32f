"""Safe HTML for passages: every piece of document text is escaped before it is wrapped."""

from __future__ import annotations

import html


def passage_html(text: str, spans: list[tuple[int, int]], lang: str) -> str:
    out, position = [], 0
    for start, end in sorted(spans):
        if start < position:
            continue
        out.append(html.escape(text[position:start]))
        out.append("<mark>" + html.escape(text[start:end]) + "</mark>")
        position = end
    out.append(html.escape(text[position:]))
    direction = "rtl" if lang == "ar" else "ltr"
    return f'<div class="passage" dir="{direction}" lang="{html.escape(lang)}">{"".join(out)}</div>'
