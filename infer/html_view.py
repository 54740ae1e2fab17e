"""A standalone right-to-left HTML page with the entities coloured by type; the text is escaped."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence

COLOURS = {
    "PER": "#ffd6a5",
    "ORG": "#bde0fe",
    "LOC": "#caffbf",
    "DAT": "#fdffb6",
    "TIM": "#ffc6ff",
    "MON": "#a0f0e0",
    "PCT": "#e4c1f9",
    "QTY": "#ffadad",
}

_PAGE = """<!DOCTYPE html>
<html lang="fa" dir="rtl">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: "Vazirmatn", "Noto Naskh Arabic", "DejaVu Sans", sans-serif; line-height: 2.2; max-width: 52em; margin: 2em auto; padding: 0 1em; color: #222; }}
article {{ white-space: pre-wrap; font-size: 1.1em; }}
mark {{ border-radius: 4px; padding: 0.1em 0.25em; unicode-bidi: isolate; }}
mark .tag {{ font-size: 0.6em; font-weight: bold; margin: 0 0.3em; color: #444; font-family: sans-serif; unicode-bidi: isolate; direction: ltr; }}
.legend mark {{ margin-inline-end: 0.5em; }}
.bidi {{ color: #999; font-size: 0.7em; }}
hr {{ margin: 2em 0; border: none; border-top: 1px solid #ccc; }}
{styles}
</style>
</head>
<body>
<p class="legend">{legend}</p>
{articles}
</body>
</html>
"""


def render_html(texts: Sequence[str], entities: Sequence[Sequence], title: str = "farsiner") -> str:
    """One page; each text an ``<article>``, each entity a ``<mark>`` whose title shows its value."""
    styles = "\n".join(f"mark.{t} {{ background: {c}; }}" for t, c in COLOURS.items())
    legend = " ".join(f'<mark class="{t}">{t}</mark>' for t in COLOURS)
    articles = "\n<hr>\n".join(f"<article>{_article(text, ents)}</article>" for text, ents in zip(texts, entities))
    return _PAGE.format(title=html.escape(title), styles=styles, legend=legend, articles=articles)


# Embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI):
# raw in the page, one of them could reverse everything after it. Shown as a visible
# mark instead; the text of the JSON outputs is never changed.
# (The marks LRM, RLM and ALM reverse nothing, and Persian text is full of them: they stay.)
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def _escape(text: str) -> str:
    out = html.escape(text)
    for ch in BIDI_CONTROLS:
        if ch in out:
            out = out.replace(ch, f'<span class="bidi" title="U+{ord(ch):04X}">&#x25CC;</span>')
    return out


def _article(text: str, entities) -> str:
    parts, pos = [], 0
    for e in sorted(entities, key=lambda e: e.start):
        if e.start < pos:
            continue
        parts.append(_escape(text[pos : e.start]))
        tip = e.label + (" " + json.dumps(e.value, ensure_ascii=False) if e.value else "") + f" ({e.score:.2f})"
        tip = "".join(ch for ch in tip if ch not in BIDI_CONTROLS)
        label = html.escape(e.label) if e.label in COLOURS else "ENT"
        parts.append(
            f'<mark class="{label}" title="{html.escape(tip, quote=True)}">{_escape(text[e.start:e.end])}'
            f'<span class="tag">{label}</span></mark>'
        )
        pos = e.end
    parts.append(_escape(text[pos:]))
    return "".join(parts)
