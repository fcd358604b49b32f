"""`dalil` command line. Every command works on one data folder (--data DIR or $DALIL_DATA).

JSON output (--json) is a stable contract, documented in docs/CLI.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")

from pipelines.config import default_data_dir  # noqa: E402


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def _workspace(args):
    from pipelines.workspace import Workspace

    return Workspace.open(args.data, getattr(args, "backend", None))


def _principal(args, workspace):
    """Who this command acts as: the local admin, or the user named by --as (who must still exist)."""
    from pipelines.access import LOCAL_ADMIN, AccessDenied

    name = getattr(args, "as_user", None)
    if not name:
        return LOCAL_ADMIN
    principal = workspace.users.principal(name)
    if principal is None:
        raise AccessDenied(f"--as {name}: no such active user (removed or locked?). `dalil users list` shows them.")
    return principal


def _scoped(args):
    """The workspace, the principal and the record store as that principal may see it."""
    workspace = _workspace(args)
    principal = _principal(args, workspace)
    return workspace, principal, workspace.records_for(principal)


def _print_json(payload) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


# --- ingest -------------------------------------------------------------------------------------
def cmd_ingest(args) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ingest.extract import Limits, Options
    from pipelines.ingesting import ingest_paths

    password = args.password
    if args.password_file:
        password = Path(args.password_file).read_text(encoding="utf-8").strip()
    options = Options(password=password, ocr_lang=args.ocr_lang, ocr=not args.no_ocr)
    limits = Limits(timeout_s=args.timeout, max_bytes=int(args.max_mb * 1024 * 1024), max_pages=args.max_pages, memory_mb=args.memory_mb)
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"dalil ingest: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    workspace = _workspace(args)
    principal = _principal(args, workspace)
    principal.require("edit")
    known = workspace.records.collections()
    if args.restricted:
        workspace.records.set_collection(args.collection, "restricted")
    elif args.collection not in known:
        workspace.records.set_collection(args.collection, "public")
    console = _console()
    show_bar = not args.json and sys.stderr.isatty() and not args.quiet
    with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("{task.description}"), console=_stderr_console(), disable=not show_bar) as bar:
        task = bar.add_task("", total=None)

        def on_progress(p):
            bar.update(task, completed=p.done, total=p.total, description=Path(p.path).name[:50])

        summary = ingest_paths(workspace, args.paths, options=options, limits=limits, collection=args.collection, workers=args.workers, on_progress=on_progress)
    workspace.close()
    if args.json:
        _print_json(summary.to_json())
    else:
        console.print(
            f"[bold]{summary.files}[/] files: [green]{summary.new_documents} new documents[/] "
            f"({summary.pages} pages, {summary.passages} passages), {summary.already_known} already known, "
            f"[{'red' if summary.failures else 'green'}]{len(summary.failures)} failures[/]"
            + (f", {len(summary.partial)} partial" if summary.partial else "")
            + (f", {summary.protected} people protected as the documents ask" if summary.protected else "")
        )
        for failure in summary.failures:
            console.print(f"  [red]{failure.reason.value}[/]  {failure.path}: {failure.detail}", markup=True)
        for note in summary.upgraded:
            console.print(f"Upgrade: {note}.")
        console.print(f"Data folder: {workspace.settings.data_dir}")
    return 0


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


# --- search -------------------------------------------------------------------------------------
def cmd_search(args) -> int:
    from rich.markup import escape

    from pipelines.highlight import mark
    from pipelines.search_query import QuerySyntaxError

    workspace, principal, records = _scoped(args)
    query_text = args.query
    if args.like:
        rows = records.query("SELECT text FROM passages WHERE passage_id = ?", (args.like,))
        if not rows:
            print(f"dalil search: no passage {args.like!r} (passage ids are in --json output)", file=sys.stderr)
            return 1
        query_text = query_text or " ".join(rows[0][0].split()[:40]).replace('"', " ")
    if not query_text:
        print("dalil search: give a QUERY or --like PASSAGE_ID", file=sys.stderr)
        return 2
    try:
        results = workspace.searcher.search(
            query_text, like_passage=args.like, dense=not args.no_dense, lang=args.lang, court=args.court, case=args.case, doc_type=args.type, entity=args.entity, role=args.role,
            limit=args.limit, offset=args.offset, with_facets=args.facets, expand_query=not args.no_expand, principal=principal,
        )
    except QuerySyntaxError as exc:
        print(f"dalil search: {exc}", file=sys.stderr)
        return 2
    if args.json:
        payload = [h.to_json() for h in results.hits]
        if args.facets:
            payload = {"total": results.total, "hits": payload, "facets": results.facets}
        _print_json(payload)
        return 0
    console = _console()
    if results.expansions:
        shown = "; ".join(f"{escape(e.matched)} → " + ", ".join(escape(t) for ts in e.added.values() for t in ts) for e in results.expansions)
        console.print(f"[dim]query language {results.query_lang}; also searched: {shown} (--no-expand to switch off)[/]")
    if not results.hits:
        console.print(f"No passages match {args.query!r}." + (" Try fewer words or remove filters." if args.lang or args.court or args.case or args.type else ""))
        return 0
    console.print(f"[dim]{results.total} passages match; showing {results.offset + 1}–{results.offset + len(results.hits)}[/]\n")
    for hit in results.hits:
        snippet = escape(mark(hit.snippet, hit.snippet_highlights, "\x00", "\x01")).replace("\x00", "[bold yellow]").replace("\x01", "[/]")
        console.print(f"[bold]{hit.rank}.[/] [cyan]{escape(hit.citation.text)}[/]  [dim]{hit.lang} · {escape(hit.filename)} · score {hit.score:.2f}[/]")
        console.print(f"   {snippet}\n")
    if args.facets:
        for name, counts in results.facets.items():
            if counts:
                console.print(f"[dim]{name}:[/] " + ", ".join(f"{escape(k)} ({v})" for k, v in counts.items()))
    return 0


# --- show ---------------------------------------------------------------------------------------
def cmd_show(args) -> int:
    from rich.markup import escape

    from pipelines.citations import citation_style, format_citation

    workspace, principal, records = _scoped(args)
    matches = records.find_documents(args.doc)
    if not matches:
        print(f"dalil show: no document with id or file name {args.doc!r}. `dalil documents` lists them.", file=sys.stderr)
        return 1
    if len(matches) > 1:
        print(f"dalil show: {args.doc!r} is ambiguous; use one of these ids:", file=sys.stderr)
        for row in matches:
            print(f"  {row.doc_id}  {row.filename}", file=sys.stderr)
        return 1
    row = matches[0]
    pages = records.pages(row.doc_id)
    passages = records.passages(row.doc_id)
    workspace.audit_access(principal, "view", {"doc_id": row.doc_id, "filename": row.filename}, [row.collection])
    if args.page is not None:
        if not any(p.number == args.page for p in pages):
            print(f"dalil show: {row.filename} has pages 1–{len(pages)}, not {args.page}.", file=sys.stderr)
            return 1
        pages = [p for p in pages if p.number == args.page]
    if args.json:
        _print_json([
            {
                "doc_id": row.doc_id, "filename": row.filename, "page": page.number, "method": page.method.value,
                "ocr_confidence": page.ocr_confidence, "text": page.text,
                "passages": [
                    {"passage_id": p.passage_id, "paragraph": p.paragraph, "start": p.start, "end": p.end, "lang": p.lang, "text": p.text,
                     "citation": format_citation(row.meta, row.filename, p.page, p.paragraph, citation_style(p.lang)).text}
                    for p in passages if p.page == page.number
                ],
            }
            for page in pages
        ])
        return 0
    console = _console()
    m = row.meta
    console.print(f"[bold]{escape(row.title or row.filename)}[/]")
    console.print(f"[dim]id {row.doc_id}\nfile {row.path}\ncourt {m.court or '–'} · case {m.case_number or '–'} · date {m.date or '–'} · type {m.doc_type or '–'} · collection {row.collection}[/]")
    for page in pages:
        how = page.method.value + (f", OCR confidence {page.ocr_confidence:.0f}" if page.ocr_confidence is not None else "")
        console.print(f"\n[bold reverse] Page {page.number} [/] [dim]({how})[/]")
        for p in (x for x in passages if x.page == page.number):
            label = f"Rn. {p.paragraph}" if p.paragraph and p.lang == "de" else (f"¶ {p.paragraph}" if p.paragraph else "¶")
            console.print(f"[cyan]{label:>8}[/] [dim]{p.lang}[/] {escape(p.text)}")
    return 0


# --- maintenance --------------------------------------------------------------------------------
def cmd_failures(args) -> int:
    from rich.markup import escape

    workspace = _workspace(args)
    _principal(args, workspace).require("admin")  # failures name file paths, restricted ones too
    rows = workspace.records.failures()
    if args.reason:
        rows = [r for r in rows if r.reason == args.reason]
    if args.json:
        _print_json([{"path": r.path, "doc_id": r.doc_id, "reason": r.reason, "detail": r.detail, "at": r.at} for r in rows])
        return 0
    console = _console()
    if not rows:
        console.print("No failures recorded.")
    for r in rows:
        console.print(f"[red]{r.reason:<22}[/] {escape(r.path)}\n{'':<23}{escape(r.detail)}")
    return 0


def cmd_pages(args) -> int:
    _, _, records = _scoped(args)
    rows = records.weak_pages(args.below) if args.low_confidence else records.page_methods()
    if args.json:
        _print_json([{"filename": f, "doc_id": d, "page": n, "method": m, "ocr_confidence": c} for f, d, n, m, c in rows])
        return 0
    if not rows:
        print("No OCR pages below the threshold." if args.low_confidence else "No pages yet.")
    for filename, doc_id, number, method, confidence in rows:
        shown = f"{confidence:5.1f}" if confidence is not None else "    –"
        print(f"{doc_id[:12]}  {filename:<50} p. {number:<4} {method:<10} {shown}")
    return 0


def cmd_documents(args) -> int:
    from rich.markup import escape

    _, _, records = _scoped(args)
    rows = records.documents()
    if args.json:
        _print_json([
            {"doc_id": r.doc_id, "filename": r.filename, "path": r.path, "title": r.title, "court": r.meta.court,
             "case_number": r.meta.case_number, "date": r.meta.date, "doc_type": r.meta.doc_type,
             "collection": r.collection, "pages": r.page_count}
            for r in rows
        ])
        return 0
    console = _console()
    for r in rows:
        console.print(f"{r.doc_id[:12]}  {escape(r.filename):<50} {r.page_count:>3} pp  {r.meta.doc_type or '–':<10} {r.meta.case_number or '–':<12} {r.meta.date or '–'}")
    if not rows:
        console.print("No documents yet. Run `dalil ingest PATH`.")
    return 0


def cmd_ner(args) -> int:
    from pipelines.entities.conll import predict_tags, read_conll

    sentences = read_conll(args.conll)
    out = sys.stdout
    for sentence, tags in zip(sentences, predict_tags(sentences, args.lang)):
        for token, tag in zip(sentence.tokens, tags):
            out.write(f"{token}\t{tag}\n")
        out.write("\n")
    return 0


def _blocks(value: str) -> tuple[int, set[int]]:
    try:
        size, residues = value.split(":")
        return int(size), {int(r) for r in residues.split(",")}
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected SIZE:R,R,… such as 50:2,5,8, not {value!r}") from None


def _passages_by_stem(data: str) -> dict[str, list]:
    """Each ingested document's passages with their stored mentions, by file stem (for eval-ner --in-context)."""
    from pipelines.indexing import stored_mentions
    from pipelines.workspace import Workspace

    workspace = Workspace.open(data)
    out: dict[str, list] = {}
    for document in workspace.records.documents():
        mentions = stored_mentions(workspace.records, document.doc_id)
        out.setdefault(Path(document.filename).stem, []).extend(
            (p.text, mentions.get(p.passage_id, [])) for p in workspace.records.passages(document.doc_id))
    workspace.close()
    return out


def cmd_eval_ner(args) -> int:
    from pipelines.entities.conll import predict, predict_in_context, read_conll, score, score_roles

    report = {}
    for path in args.conll:
        sentences = read_conll(path)
        if args.held_out_blocks:
            size, residues = args.held_out_blocks
            sentences = [s for i, s in enumerate(sentences) if (i // size) % 10 in residues]
        if args.limit:
            sentences = sentences[: args.limit]
        if args.in_context:
            # Only the sentences found in the ingested passages, scored both ways: as a gold file and in context.
            found = [(s, p) for s, p in zip(sentences, predict_in_context(sentences, _passages_by_stem(args.in_context))) if p is not None]
            sentences, predictions = [s for s, _ in found], [p for _, p in found]
            alone = predict(sentences, args.lang)
            report[f"{path} (as a gold file)"] = {"types": score(sentences, [tags for tags, _ in alone]), "roles": score_roles(sentences, alone)}
        else:
            predictions = predict(sentences, args.lang, each_alone=args.each_alone)
        table = score(sentences, [tags for tags, _ in predictions])
        roles = score_roles(sentences, predictions)
        if args.in_context and not args.json:
            before = report[f"{path} (as a gold file)"]
            print(f"{path}: {len(sentences)} sentences found in the passages of {args.in_context}; the same as a gold file: "
                  f"PER+ORG+LOC F1 {before['types']['PER+ORG+LOC']['f1']:.3f}, roles {before['roles']['accuracy']:.3f}")
        report[f"{path} (in context)" if args.in_context else path] = {"types": table, "roles": roles}
        if not args.json:
            print(f"{path} ({args.lang}, {len(sentences)} sentences{', in their ingested passages' if args.in_context else ''})")
            print(f"  {'type':<12} {'P':>6} {'R':>6} {'F1':>6} {'support':>8}")
            for name, row in table.items():
                print(f"  {name:<12} {row['precision']:6.3f} {row['recall']:6.3f} {row['f1']:6.3f} {row['support']:8d}")
            if roles["persons"]:
                print(f"  roles: accuracy {roles['accuracy']:.3f} over {roles['persons']} gold persons; "
                      f"{roles['accuracy_found']:.3f} over the {roles['found']} persons found")
    if args.json:
        _print_json(report)
    return 0


def cmd_bench(args) -> int:
    if args.what == "ingest":
        from pipelines.bench import bench_ingest

        sizes = tuple(int(x) for x in args.pages.split(","))
        report = bench_ingest(sizes, ocr_pages=args.ocr_pages)
    elif args.what == "search":
        from pipelines.bench import bench_search

        report = bench_search(tuple(int(x) for x in args.passages.split(",")), baseline_size=args.baseline)
    elif args.what == "xref":
        from pipelines.bench import bench_xref

        report = bench_xref(args.mentions)
    elif args.what == "ner":
        from pipelines.bench import bench_ner

        report = bench_ner()
    else:
        print(f"dalil bench: unknown benchmark {args.what!r}", file=sys.stderr)
        return 2
    if args.json:
        _print_json(report)
    return 0


def cmd_entities(args) -> int:
    from pipelines.entity_views import list_entities

    label = {"person": "PERSON", "facility": "FACILITY", "organization": "ORGANIZATION", "location": "LOCATION"}.get(args.type or "")
    _, _, records = _scoped(args)
    rows = list_entities(records, label, args.role, args.limit)
    if args.json:
        _print_json([r.__dict__ for r in rows])
        return 0
    if not rows:
        print("No entities found." + ("" if args.type or args.role else " Ingest documents first."))
    for r in rows:
        roles = ", ".join(f"{k} {v}" for k, v in sorted(r.roles.items(), key=lambda kv: -kv[1]))
        print(f"{r.entity_id:<22} {r.label:<13} {r.canonical[:45]:<45} {r.mentions:>4} mentions in {r.documents} docs  {roles}")
    return 0


def cmd_entity(args) -> int:
    from dataclasses import asdict

    from rich.markup import escape

    from pipelines.entity_views import entity_page, find_entity

    _, _, records = _scoped(args)
    found = find_entity(records, args.name)
    if not found:
        print(f"dalil entity: nothing matches {args.name!r}. `dalil entities` lists what is known.", file=sys.stderr)
        return 1
    page = entity_page(records, found[0][0])
    if args.json:
        _print_json(asdict(page))
        return 0
    console = _console()
    console.print(f"[bold]{escape(page.canonical)}[/]  [dim]{page.entity_id} · {page.label}[/]")
    if len(found) > 1:
        console.print("[dim]also matching: " + "; ".join(f"{escape(c)} ({e})" for e, _, c in found[1:6]) + "[/]")
    console.print("\n[bold]Aliases[/]  " + "; ".join(f"{escape(a.text)} [dim]({a.script}, {a.lang}, {a.count}×)[/]" for a in page.aliases))
    if page.roles:
        console.print("[bold]Roles[/]    " + ", ".join(f"{k} ({v})" for k, v in page.roles.items()))
    console.print(f"\n[bold]Mentions[/] ({len(page.mentions)})")
    for m in page.mentions[: args.limit]:
        role = f" [yellow]{m.role}[/] [dim](cue “{escape(m.role_cue or '')}”, {m.role_confidence:.2f})[/]" if m.role != "unknown" else ""
        console.print(f"  [cyan]{escape(m.citation)}[/]{role}\n    {escape(m.snippet)}")
    if page.cooccurring:
        console.print("\n[bold]Named together with[/]")
        for other, label, canonical, n in page.cooccurring[:15]:
            console.print(f"  {n:>3}× {escape(canonical)} [dim]({label.lower()}, {other})[/]")
    if page.timeline:
        console.print("\n[bold]Timeline[/]")
        for date, citation, _ in page.timeline:
            console.print(f"  {date}  {escape(citation)}")
    if page.links:
        console.print("\n[bold]Why these names were joined[/]")
        for link in page.links:
            console.print(f"  [dim]{link.source}/{link.rule} {link.score:.2f}[/] {escape(link.key_a)} ↔ {escape(link.key_b)}: {escape(link.explanation)}")
    return 0


def cmd_merge(args, decision: str = "merge") -> int:
    from pipelines import crossref

    workspace = _workspace(args)
    principal = _principal(args, workspace)
    principal.require("edit")
    records = workspace.records
    groups = []
    for ref in (args.a, args.b):
        group = crossref.resolve(records, ref)
        if group is None:
            print(f"dalil {'merge' if decision == 'merge' else 'unmerge'}: nothing matches {ref!r}", file=sys.stderr)
            return 1
        groups.append(group)
    (entity_a, keys_a, members_a), (entity_b, keys_b, members_b) = groups
    if decision == "merge":
        if entity_a == entity_b:
            print("They are already one entity.")
            return 0
        crossref.decide(records, members_a, members_b, "merge", args.reason, args.user or principal.name)
    elif entity_a == entity_b:
        # Two names inside one entity: detach the first name from everything else in it.
        crossref.decide(records, keys_a, [k for k in members_a if k not in keys_a], "split", args.reason, args.user or principal.name)
    else:
        crossref.decide(records, members_a, members_b, "split", args.reason, args.user or principal.name)
    stats = crossref.build(records)
    print(f"Recorded {decision} ({args.reason}); cross-reference rebuilt: {stats['entities']} entities.")
    return 0


def cmd_names(args) -> int:
    from dataclasses import asdict

    from pipelines.batch_names import read_names, search_names

    path = Path(args.file)
    if not path.exists():
        print(f"dalil names: no such file {args.file!r}", file=sys.stderr)
        return 2
    queries = read_names(path)
    _, principal, records = _scoped(args)
    principal.require("batch-names")
    results = search_names(records, queries)
    if args.json:
        _print_json([asdict(r) for r in results])
        return 0
    if args.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(["query", "entity_id", "entity", "type", "matched_alias", "score", "rule", "citation", "passage"])
        for r in results:
            for h in r.hits:
                for p in h.passages or [None]:
                    writer.writerow([r.query, h.entity_id, h.canonical, h.label.lower(), h.matched_alias, h.score, h.rule,
                                     p.citation if p else "", p.text if p else ""])
            if not r.hits:
                writer.writerow([r.query, "", "", "", "", "", "", "", ""])
        return 0
    found = sum(1 for r in results if r.hits)
    print(f"{len(results)} names, {found} with matches")
    for r in results:
        if not r.hits:
            print(f"\n{r.query}: no match")
            continue
        print(f"\n{r.query}:")
        for h in r.hits:
            print(f"  {h.score:.2f}  {h.canonical} ({h.label.lower()}, {h.entity_id}) via '{h.matched_alias}' [{h.rule}]")
            for p in h.passages:
                print(f"        {p.citation}")
    return 0


def cmd_export(args) -> int:
    from pipelines import export

    workspace, principal, records = _scoped(args)
    principal.require("export")
    text = {"ftm": export.to_ftm, "json": export.to_json, "csv": export.to_csv}[args.format](records)
    workspace.audit_access(principal, "export", {"format": args.format}, list(records.collections()))
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Wrote {args.format} export to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_xref(args) -> int:
    import time as _time

    from pipelines import crossref

    started = _time.perf_counter()
    workspace = _workspace(args)
    _principal(args, workspace).require("edit")
    stats = crossref.build(workspace.records)
    print(f"{stats['keys']} names → {stats['entities']} entities via {stats['links']} links in {_time.perf_counter() - started:.2f} s")
    return 0


def cmd_eval_names(args) -> int:
    from pipelines.entities.name_eval import main as name_eval_main

    return name_eval_main([args.gold])


def cmd_eval_search(args) -> int:
    from pipelines.search_eval import evaluate, read_queries

    queries = read_queries(args.queries)
    report = evaluate(_workspace(args).searcher, queries, k=args.k)
    if args.json:
        _print_json(report)
        return 0
    print(f"{len(queries)} judged queries from {args.queries}")
    for mode, table in report.items():
        print(f"\n{mode}")
        print(f"  {'pair':<14} {'queries':>7} {'recall@' + str(args.k):>10} {'MRR':>6}")
        for pair, row in table.items():
            print(f"  {pair:<14} {row['queries']:>7} {row['recall@' + str(args.k)]:>10.3f} {row['mrr']:>6.3f}")
    return 0


def cmd_reindex(args) -> int:
    from pipelines.indexing import reindex

    workspace = _workspace(args)
    _principal(args, workspace).require("admin")
    count = reindex(workspace.records, workspace.index)
    from pipelines.derived import rebuild_derived

    rebuild_derived(workspace.records)  # mentions may have been tagged again by newer entity rules
    workspace.close()
    print(f"Re-indexed {count} documents ({workspace.index.count_documents()} passages) from the record store.")
    return 0


def cmd_stats(args) -> int:
    workspace, principal, records = _scoped(args)
    counts = records.counts()
    if principal.is_admin:  # the index counts every collection's passages
        counts["indexed_passages"] = workspace.index.count_documents()
    counts["data"] = str(workspace.settings.data_dir)
    if args.json:
        _print_json(counts)
    else:
        for key, value in counts.items():
            print(f"{key:>18}: {value}")
    return 0


def cmd_ui(args) -> int:
    import subprocess

    app = Path(__file__).resolve().parent.parent / "ui" / "app.py"
    env = dict(os.environ, DALIL_DATA=str(args.data or default_data_dir()))
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port),
               "--server.headless", "true" if args.headless else "false", "--browser.gatherUsageStats", "false"]
    print(f"Dalil UI on http://localhost:{args.port}  (data: {env['DALIL_DATA']}); Ctrl+C stops it.")
    return subprocess.call(command, env=env)


# --- access control -----------------------------------------------------------------------------
def _read_password(args) -> str:
    import getpass

    if args.password_file:
        return Path(args.password_file).read_text(encoding="utf-8").strip()
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        raise ValueError("the two passwords differ")
    return first


def cmd_users(args) -> int:
    workspace = _workspace(args)
    _principal(args, workspace).require("admin")
    users = workspace.users
    try:
        if args.action == "add":
            users.add(args.name, _read_password(args), args.role, oidc=args.oidc)
            print(f"Added {args.name} ({args.role}).")
        elif args.action == "remove":
            users.remove(args.name)
            print(f"Removed {args.name}; their access ends now.")
        elif args.action == "grant":
            users.grant(args.name, args.collection, args.role)
            print(f"{args.name} is {args.role} on collection {args.collection!r}.")
        elif args.action == "revoke":
            users.revoke(args.name, args.collection)
            print(f"{args.name} has no grant on {args.collection!r} now.")
        elif args.action in ("lock", "unlock"):
            users.set_locked(args.name, args.action == "lock")
            print(f"{args.name} {'locked' if args.action == 'lock' else 'unlocked'}.")
        else:
            rows = users.users()
            if args.json:
                _print_json([{"name": u.name, "role": u.role, "grants": u.grants, "locked": u.locked, "oidc": u.oidc} for u in rows])
                return 0
            if not rows:
                print("No users: the UI runs as local admin. `dalil users add NAME --role ROLE` adds one and turns sign-in on.")
            for u in rows:
                grants = ", ".join(f"{c}: {r}" for c, r in u.grants.items())
                print(f"{u.name:<20} {u.role:<10} {'LOCKED ' if u.locked else ''}{grants}")
    except ValueError as exc:
        print(f"dalil users: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_collections(args) -> int:
    workspace = _workspace(args)
    principal = _principal(args, workspace)
    if args.name:
        principal.require("admin")
        workspace.records.set_collection(args.name, args.visibility)
        print(f"Collection {args.name!r} is {args.visibility}.")
        return 0
    rows = workspace.records_for(principal).collections()
    if args.json:
        _print_json(rows)
        return 0
    for name, visibility in sorted(rows.items()):
        print(f"{name:<30} {visibility}")
    return 0


def cmd_protect(args) -> int:
    from pipelines import protection
    from pipelines.entity_views import find_entity

    workspace = _workspace(args)
    principal = _principal(args, workspace)
    principal.require("edit")
    records = workspace.records
    if args.action == "list":
        rows = protection.protected_entities(records)
        if args.json:
            _print_json([{"entity_id": e, "pseudonym": p, "reason": r, "by": b} for e, p, r, b in rows])
            return 0
        if not rows:
            print("Nobody is protected yet.")
        for entity_id, pseudonym, reason, by in rows:
            print(f"{pseudonym:<16} {entity_id:<18} {by:<12} {reason}")
        return 0
    found = find_entity(records, args.name)
    if not found:
        print(f"dalil {args.action}: nothing matches {args.name!r}. `dalil entities` lists what is known.", file=sys.stderr)
        return 1
    entity_id, _, canonical = found[0]
    if args.action == "protect":
        pseudonym = protection.protect(records, entity_id, args.reason, principal.name)
        print(f"{canonical} ({entity_id}) is protected; readers without clearance see “{pseudonym}”.")
    else:
        removed = protection.unprotect(records, entity_id)
        print(f"{canonical} ({entity_id}): protection removed from {removed} name keys.")
    return 0


def cmd_audit(args) -> int:
    import datetime as _dt

    workspace = _workspace(args)
    _principal(args, workspace).require("admin")
    log = workspace.audit
    if args.verify:
        ok, message = log.verify()
        print(("Audit log intact: " if ok else "AUDIT LOG TAMPERED: ") + message)
        return 0 if ok else 1
    rows = log.entries(args.limit)
    if args.json:
        _print_json([e.__dict__ for e in rows])
        return 0
    if not rows:
        print("Nothing audited yet: searches, views and exports of restricted collections are logged here.")
    for e in rows:
        when = _dt.datetime.fromtimestamp(e.at, _dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        print(f"{when}  {e.principal:<16} {e.action:<7} {','.join(e.collections):<16} {json.dumps(e.detail, ensure_ascii=False)[:120]}")
    return 0


def cmd_export_pdf(args) -> int:
    from pipelines.redacted_pdf import document_pdf

    workspace, principal, records = _scoped(args)
    principal.require("export")
    matches = records.find_documents(args.doc)
    if len(matches) != 1:
        print(f"dalil export-pdf: {'no' if not matches else 'more than one'} document matches {args.doc!r}; `dalil documents` lists them.", file=sys.stderr)
        return 1
    row = matches[0]
    Path(args.output).write_bytes(document_pdf(records, row.doc_id, principal.name))
    workspace.audit_access(principal, "export", {"doc_id": row.doc_id, "format": "pdf"}, [row.collection])
    hidden = "" if principal.cleared else " Protected names are replaced by pseudonyms in the text itself."
    print(f"Wrote {args.output} ({row.filename}).{hidden}", file=sys.stderr)
    return 0


# --- parser -------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", metavar="DIR", default=None, help=f"data folder (default: $DALIL_DATA or {default_data_dir()})")
    common.add_argument("--as", dest="as_user", metavar="USER", default=None,
                        help="act as this user, with their rights (default: local admin, who sees everything)")
    parser = argparse.ArgumentParser(
        prog="dalil",
        description="Dalil (دليل, 'evidence'): ingest, search and cite court documents in Arabic, German and English.",
        epilog="Example: dalil ingest corpora/sample && dalil search 'Abteilung 251'",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", parents=[common], help="read files or folders into the data folder",
                       description="Read PDFs, scans, DOCX, HTML, text and Markdown. Re-running is safe: known files are skipped.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    p.add_argument("--collection", default="default", help="collection the documents belong to (default: %(default)s)")
    p.add_argument("--restricted", action="store_true", help="make the collection restricted: readable only by users granted it")
    p.add_argument("--password", help="password for encrypted PDFs")
    p.add_argument("--password-file", metavar="FILE", help="file holding the password for encrypted PDFs")
    p.add_argument("--ocr-lang", metavar="LANGS", help="Tesseract languages for scans, e.g. deu, ara+eng (default: detect)")
    p.add_argument("--no-ocr", action="store_true", help="do not OCR pages without a text layer")
    p.add_argument("--workers", type=int, default=2, help="parallel reader processes (default: %(default)s)")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds allowed per file (default: %(default)s)")
    p.add_argument("--max-mb", type=float, default=200.0, help="largest file accepted, in MB (default: %(default)s)")
    p.add_argument("--max-pages", type=int, default=2000, help="most pages accepted per file (default: %(default)s)")
    p.add_argument("--memory-mb", type=int, default=3072, help="memory allowed per reader process (default: %(default)s)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the summary")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("search", parents=[common], help="search passages; prints pinpoint citations",
                       description=__import__("pipelines.search_query", fromlist=["x"]).__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("query", nargs="?", default="", help='words, "phrases", +required, -excluded, field:value filters')
    p.add_argument("--like", metavar="PASSAGE_ID", help="more like this: passages similar to this one, in any language")
    p.add_argument("--no-dense", action="store_true", help="BM25 only, without embedding retrieval")
    p.add_argument("--lang", choices=["ar", "de", "en"], help="only passages in this language")
    p.add_argument("--court", help='only this court, e.g. "OLG Koblenz"')
    p.add_argument("--case", help='only this case number, e.g. "1 StE 9/19"')
    p.add_argument("--type", choices=["judgment", "hearing", "summary", "press-release", "statement"], help="only this document type")
    p.add_argument("--entity", help="only passages naming this entity (name in any script, or entity id)")
    p.add_argument("--role", choices=["accused", "victim", "witness", "co-plaintiff", "judge", "prosecutor", "counsel", "expert"], help="only passages where someone has this role")
    p.add_argument("--limit", type=int, default=10, help="hits per page (default: %(default)s)")
    p.add_argument("--offset", type=int, default=0, help="skip this many hits (pagination)")
    p.add_argument("--facets", action="store_true", help="also print counts per language, court, case, type, year")
    p.add_argument("--no-expand", action="store_true", help="do not add other-language glossary terms to the query")
    p.add_argument("--json", action="store_true", help="print hits as JSON (see docs/CLI.md)")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("show", parents=[common], help="print a document's text by page and paragraph")
    p.add_argument("doc", metavar="DOC", help="document id (or its first 6+ characters) or source file name")
    p.add_argument("--page", type=int, help="only this page")
    p.add_argument("--json", action="store_true", help="one JSON object per page with its passages")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("documents", parents=[common], help="list ingested documents")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_documents)

    p = sub.add_parser("failures", parents=[common], help="list files that could not be ingested, with the reason")
    p.add_argument("--reason", choices=[r.value for r in __import__("ingest.model", fromlist=["x"]).FailureReason])
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_failures)

    p = sub.add_parser("pages", parents=[common], help="how each page's text was obtained; weak OCR pages for review")
    p.add_argument("--low-confidence", action="store_true", help="only OCR pages under --below")
    p.add_argument("--below", type=float, default=75.0, help="OCR confidence threshold, 0-100 (default: %(default)s)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_pages)

    p = sub.add_parser("ner", help="tag a CoNLL file's tokens with coarse IOB2 entity tags (for external scoring)")
    p.add_argument("--conll", required=True, metavar="FILE", help="one token per line (first column), blank line between sentences")
    p.add_argument("--lang", required=True, choices=["ar", "de", "en"])
    p.set_defaults(func=cmd_ner)

    p = sub.add_parser("eval-ner", help="precision/recall/F1 per entity type on CoNLL gold files")
    p.add_argument("--conll", required=True, nargs="+", metavar="FILE")
    p.add_argument("--lang", required=True, choices=["ar", "de", "en"])
    p.add_argument("--limit", type=int, help="only the first N sentences")
    p.add_argument("--held-out-blocks", type=_blocks, metavar="SIZE:R,R,…",
                   help="only the blocks of SIZE consecutive sentences whose number modulo 10 is one of R: the "
                        "development slices the models were not trained on (GermEval 50:2,5,8; LER 100:2,5,8; "
                        "WikiFANE 50:7; see the model cards)")
    p.add_argument("--each-alone", action="store_true",
                   help="tag every sentence on its own; by default a file's sentences are one batch, like the "
                        "passages of one document, and a name found in full in one is recognised in the others")
    p.add_argument("--in-context", metavar="DATA",
                   help="score the sentences of the project's gold files in the passages where an ingest of the "
                        "sample corpus into DATA found them (paragraph and document around them, as users get "
                        "them), next to the same sentences tagged as a gold file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_eval_ner)

    p = sub.add_parser("bench", help="benchmarks that print figures next to a baseline measured in the same run")
    p.add_argument("what", choices=["ingest", "xref", "search", "ner"],
                   help="ingest: born-digital and OCR throughput, peak memory; xref: cross-reference speed; "
                        "search: index size and latency; ner: entity-stage tokens/s per language")
    p.add_argument("--mentions", type=int, default=100_000, help="xref: synthetic mentions (default: %(default)s)")
    p.add_argument("--passages", default="100000", help="search: index sizes, comma-separated, e.g. 100000,1000000 (default: %(default)s)")
    p.add_argument("--baseline", type=int, default=50_000, help="search: passages in the InMemoryDocumentStore baseline (default: %(default)s)")
    p.add_argument("--pages", default="100,400", help="corpus sizes in pages, comma-separated (default: %(default)s)")
    p.add_argument("--ocr-pages", type=int, default=8, help="page images for the OCR comparison (default: %(default)s)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("entities", parents=[common], help="list people, organisations, facilities and places found")
    p.add_argument("--type", choices=["person", "facility", "organization", "location"])
    p.add_argument("--role", choices=["accused", "victim", "witness", "co-plaintiff", "judge", "prosecutor", "counsel", "expert"])
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_entities)

    p = sub.add_parser("entity", parents=[common], help="one entity: aliases, mentions with citations, roles, co-occurrences, timeline")
    p.add_argument("name", metavar="NAME_OR_ID", help="a name in any script or spelling, or an entity id")
    p.add_argument("--limit", type=int, default=50, help="mentions to print (default: %(default)s)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_entity)

    for verb, helptext in (("merge", "join two entities (a user decision that survives re-ingest)"),
                           ("unmerge", "keep two entities apart (a user decision that survives re-ingest)")):
        p = sub.add_parser(verb, parents=[common], help=helptext)
        p.add_argument("a", metavar="ENTITY_A")
        p.add_argument("b", metavar="ENTITY_B")
        p.add_argument("--reason", required=True, help="why (stored with the decision)")
        p.add_argument("--user", default=None, help="name recorded with the decision (default: the --as user, else local-admin)")
        p.set_defaults(func=(lambda a, v=verb: cmd_merge(a, "merge" if v == "merge" else "split")))

    p = sub.add_parser("names", parents=[common], help="match a CSV list of names (any script) against every known name")
    p.add_argument("file", metavar="FILE.csv", help="a column 'name' (or the first column) holds the names")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true")
    out.add_argument("--csv", action="store_true", help="one row per match and passage")
    p.set_defaults(func=cmd_names)

    p = sub.add_parser("export", parents=[common], help="export entities and mentions as FollowTheMoney, JSON or CSV")
    p.add_argument("--format", choices=["ftm", "json", "csv"], default="ftm", help="ftm: JSON lines for Aleph/OpenSanctions tools (default)")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("xref", parents=[common], help="rebuild cross-references between names (runs after every ingest)")
    p.set_defaults(func=cmd_xref)

    p = sub.add_parser("eval-names", help="precision/recall of name matching on a gold set of name pairs")
    p.add_argument("gold", nargs="?", default=str(Path(__file__).resolve().parent.parent / "corpora" / "resources" / "name_pairs_gold.tsv"))
    p.set_defaults(func=cmd_eval_names)

    p = sub.add_parser("eval-search", parents=[common], help="recall@10 and MRR per language pair on judged queries, dense on and off")
    p.add_argument("--queries", default=str(Path(__file__).resolve().parent.parent / "corpora" / "gold" / "queries" / "queries.tsv"))
    p.add_argument("-k", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_eval_search)

    p = sub.add_parser("reindex", parents=[common], help="rebuild the search index from the record store")
    p.add_argument("--backend", choices=("embedded", "elasticsearch"), default=None,
                   help="index to rebuild (default: $DALIL_BACKEND or embedded); elasticsearch uses $DALIL_ES_URL")
    p.set_defaults(func=cmd_reindex)

    p = sub.add_parser("stats", parents=[common], help="counts of documents, pages, passages and failures")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("users", parents=[common], help="manage the users of this data folder (admin)",
                       description="Users sign in to the UI; the CLI acts as local admin unless --as USER is given. "
                                   "Roles: viewer < researcher (export, batch names) < editor (merge, protect; sees protected names) < admin.")
    p.add_argument("action", choices=["list", "add", "remove", "grant", "revoke", "lock", "unlock"])
    p.add_argument("name", nargs="?", help="user name")
    p.add_argument("collection", nargs="?", help="collection (grant, revoke)")
    p.add_argument("--role", choices=["viewer", "researcher", "editor", "admin"], default="viewer",
                   help="role on public collections (add) or on the collection (grant); default %(default)s")
    p.add_argument("--password-file", metavar="FILE", help="read the new password from FILE")
    p.add_argument("--password-stdin", action="store_true", help="read the new password from standard input")
    p.add_argument("--oidc", metavar="EMAIL", help="identity that Streamlit's OIDC sign-in maps to this user")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_users)

    p = sub.add_parser("collections", parents=[common], help="list collections, or make one public or restricted (admin)")
    p.add_argument("name", nargs="?")
    p.add_argument("visibility", nargs="?", choices=["public", "restricted"], default="restricted")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_collections)

    for verb, helptext in (("protect", "protect a person: readers without clearance see a stable pseudonym (editor)"),
                           ("unprotect", "remove a person's protection (editor)")):
        p = sub.add_parser(verb, parents=[common], help=helptext)
        p.add_argument("name", help="entity id or any spelling of the name")
        p.add_argument("--reason", required=verb == "protect", default="", help="why (stored with the decision)")
        p.set_defaults(func=cmd_protect, action=verb)
    p = sub.add_parser("protected", parents=[common], help="list protected people with pseudonyms and reasons (editor)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_protect, action="list")

    p = sub.add_parser("audit", parents=[common], help="who searched, viewed or exported restricted material (admin)")
    p.add_argument("--limit", type=int, default=200)
    p.add_argument("--verify", action="store_true", help="check the log's hash chain for tampering")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("export-pdf", parents=[common], help="a document as PDF; protected names removed from the text for readers without clearance")
    p.add_argument("doc", help="document id (or prefix) or file name")
    p.add_argument("--output", "-o", required=True, metavar="FILE")
    p.set_defaults(func=cmd_export_pdf)

    p = sub.add_parser("ui", parents=[common], help="start the Streamlit app")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--headless", action="store_true", help="do not open a browser")
    p.set_defaults(func=cmd_ui)
    return parser


def main(argv: list[str] | None = None) -> int:
    from pipelines.access import AccessDenied
    from pipelines.stores.errors import IndexUnavailable, IndexWriteError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except AccessDenied as exc:
        print(f"dalil {args.command}: {exc}", file=sys.stderr)
        return 3
    except Exception as exc:  # a search index that is down or refuses writes; Haystack wraps component errors
        cause: BaseException | None = exc
        while cause is not None and not isinstance(cause, (IndexUnavailable, IndexWriteError)):
            cause = cause.__cause__
        if cause is None:
            raise
        print(f"dalil {args.command}: {cause}", file=sys.stderr)
        return 4
    except KeyboardInterrupt:
        print("\nInterrupted. Re-run the same command to continue where it stopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
