"""Drawing for the entity page: the co-occurrence graph and the timeline of dated mentions, as Altair
(Vega-Lite) charts. Streamlit bundles Vega-Lite, so this works offline; nothing here renders raw HTML.

Node positions come from a small deterministic force-directed layout (Fruchterman–Reingold in numpy):
the same graph is always drawn the same way.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np

from pipelines.entity_graph import EntityGraph

KIND_COLOURS = {"person": "#d62728", "facility": "#1f77b4", "organization": "#2ca02c", "case": "#9467bd",
                "location": "#8c564b"}


def spring_layout(ids: list[str], edges: list[tuple[str, str, float]], centre: str | None = None,
                  iterations: int = 150, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold positions in [-1, 1]², the centre node pinned at the origin."""
    n = len(ids)
    if n == 0:
        return {}
    if n == 1:
        return {ids[0]: (0.0, 0.0)}
    index = {node: i for i, node in enumerate(ids)}
    rng = np.random.default_rng(seed)
    angles = np.linspace(0, 2 * math.pi, n, endpoint=False)
    pos = np.stack([np.cos(angles), np.sin(angles)], axis=1) + rng.normal(0, 0.05, (n, 2))
    weights = np.zeros((n, n))
    for a, b, w in edges:
        if a in index and b in index:
            weights[index[a], index[b]] = weights[index[b], index[a]] = 1 + math.log1p(w)
    k = math.sqrt(4.0 / n)
    pinned = index.get(centre) if centre is not None else None
    temperature = 0.2
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        distance = np.maximum(np.linalg.norm(delta, axis=-1), 1e-3)
        force = (k * k / distance**2 - weights * distance / k)[..., None] * delta
        displacement = force.sum(axis=1)
        length = np.maximum(np.linalg.norm(displacement, axis=1, keepdims=True), 1e-9)
        pos += displacement / length * np.minimum(length, temperature)
        if pinned is not None:
            pos -= pos[pinned]
        temperature *= 0.97
    pos /= max(np.abs(pos).max(), 1e-9)
    return {node: (float(pos[i, 0]), float(pos[i, 1])) for node, i in index.items()}


def graph_chart(graph: EntityGraph) -> alt.LayerChart:
    """Nodes (coloured by kind, sized by shared passages) and edges; scroll zooms, drag pans, hover
    shows names and counts, a click selects a node (the selection is named "node")."""
    layout = spring_layout([n.node_id for n in graph.nodes], [(e.source, e.target, e.passages) for e in graph.edges], graph.centre)
    nodes = [{"node_id": n.node_id, "name": n.label, "kind": n.kind, "passages": n.passages, "centre": n.centre,
              "x": layout[n.node_id][0], "y": layout[n.node_id][1]} for n in graph.nodes]
    names = {n.node_id: n.label for n in graph.nodes}
    edges = [{"source": names[e.source], "target": names[e.target], "passages": e.passages,
              "x": layout[e.source][0], "y": layout[e.source][1], "x2": layout[e.target][0], "y2": layout[e.target][1]}
             for e in graph.edges if e.source in layout and e.target in layout]
    zoom = alt.selection_interval(bind="scales", name="zoom")
    node = alt.selection_point(fields=["node_id"], name="node", on="click")
    hidden = alt.Axis(title=None, labels=False, ticks=False, grid=False, domain=False)
    x = alt.X("x:Q", axis=hidden, scale=alt.Scale(domain=[-1.25, 1.25]))
    y = alt.Y("y:Q", axis=hidden, scale=alt.Scale(domain=[-1.15, 1.15]))
    kinds = sorted({n["kind"] for n in nodes})
    colour = alt.Color("kind:N", title="kind", scale=alt.Scale(domain=kinds, range=[KIND_COLOURS.get(k, "#7f7f7f") for k in kinds]))
    edge_layer = alt.Chart(alt.Data(values=edges)).mark_rule(color="#999", opacity=0.5).encode(
        x=x, y=y, x2="x2:Q", y2="y2:Q",
        strokeWidth=alt.StrokeWidth("passages:Q", legend=None, scale=alt.Scale(range=[0.5, 5])),
        tooltip=[alt.Tooltip("source:N"), alt.Tooltip("target:N"), alt.Tooltip("passages:Q", title="shared passages")],
    ).add_params(zoom)
    node_layer = alt.Chart(alt.Data(values=nodes)).mark_circle(stroke="#333", strokeWidth=1).encode(
        x=x, y=y, color=colour,
        size=alt.Size("passages:Q", legend=None, scale=alt.Scale(range=[80, 900])),
        opacity=alt.condition(node, alt.value(1.0), alt.value(0.45)),
        tooltip=[alt.Tooltip("name:N"), alt.Tooltip("kind:N"), alt.Tooltip("passages:Q", title="passages together")],
    ).add_params(node)
    text_layer = alt.Chart(alt.Data(values=nodes)).mark_text(dy=-14, fontSize=11).encode(x=x, y=y, text="name:N")
    return alt.layer(edge_layer, node_layer, text_layer).properties(height=480)


def timeline_chart(rows: list[dict]) -> alt.Chart:
    """Dated mentions along a time axis, one row per case; hover shows the citation and the context."""
    return alt.Chart(alt.Data(values=rows)).mark_tick(thickness=3, size=22).encode(
        x=alt.X("date:T", title=None),
        y=alt.Y("case:N", title=None),
        color=alt.Color("role:N"),
        tooltip=[alt.Tooltip("date:T"), alt.Tooltip("citation:N"), alt.Tooltip("role:N"), alt.Tooltip("context:N")],
    ).properties(height=max(80, 40 * len({r["case"] for r in rows}))).interactive(bind_y=False)
