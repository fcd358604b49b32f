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


# Entity colours by type; a person's role is written after the name, small, so it is never colour alone.
ENTITY_STYLE = """<style>
.ent{border-radius:3px;padding:0 2px}
.ent-PERSON{background:#dbeafe}.ent-ORGANIZATION{background:#ede9fe}.ent-FACILITY{background:#fee2e2}
.ent-LOCATION{background:#dcfce7}.ent-CASE_NUMBER,.ent-LAW{background:#fef3c7}
.role{font-size:0.7em;color:#444;margin-inline-start:2px}
.role-accused{color:#b91c1c}.role-victim{color:#1d4ed8}.role-witness{color:#047857}
</style>"""

LEGEND = [("PERSON", "person"), ("ORGANIZATION", "organisation"), ("FACILITY", "facility"), ("LOCATION", "place"),
          ("CASE_NUMBER", "case number / law")]


def legend_html() -> str:
    items = "".join(f'<span class="ent ent-{label}">{html.escape(name)}</span> ' for label, name in LEGEND)
    return ENTITY_STYLE + f'<div class="legend">{items}</div>'


def entities_html(text: str, mentions: list[tuple[int, int, str, str, str | None]], lang: str, marked: bool = False,
                  anchor: str | None = None) -> str:
    """`text` escaped, each mention (start, end, label, role, cue) wrapped in a span coloured by type, a
    person's role written after the name with its cue as the tooltip; `marked` highlights the whole passage."""
    out, position = [], 0
    for start, end, label, role, cue in sorted(mentions):
        if start < position or end > len(text):
            continue
        out.append(html.escape(text[position:start]))
        tip = html.escape(f"{label.lower()}" + (f" · {role} (cue: {cue})" if role and role != "unknown" else ""), quote=True)
        tag = (f'<span class="role role-{html.escape(role)}">{html.escape(role)}</span>'
               if label == "PERSON" and role and role != "unknown" else "")
        out.append(f'<span class="ent ent-{html.escape(label)}" title="{tip}">{html.escape(text[start:end])}</span>{tag}')
        position = end
    out.append(html.escape(text[position:]))
    body = "".join(out)
    if marked:
        body = f"<mark>{body}</mark>"
    direction = "rtl" if lang == "ar" else "ltr"
    ident = f' id="p-{re.sub(r"[^0-9A-Za-z_-]", "-", anchor)}"' if anchor else ""
    return ENTITY_STYLE + f'<div class="passage"{ident} dir="{direction}" lang="{html.escape(lang)}">{body}</div>'
