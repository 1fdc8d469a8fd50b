"""``search`` and ``reindex``: full-text search over the library from a terminal."""

from __future__ import annotations

import argparse
import json
import sys
import time

from reader.commands.progress import TerminalProgress
from reader.errors import ReaderError
from reader.store import Library

QUERY_HELP = """\
query language:
  plain words           every word must match; best matches first (BM25F)
  a OR b                either word (OR binds tighter: x a OR b = x and (a or b))
  -word, NOT word       leave out items with the word
  "exact phrase"        the words in this order (word endings are folded, as for plain
                        words: "inspection report" also finds "inspection reports")
  inspect*              words starting with "inspect" (the 40 most common such words)
  inspecton~            words within 1 edit (2 for longer words; inspecton~2 says how many)
  ( ... )               grouping: (probation OR parole) officer
  title:word            only in post titles; also title:"a phrase", title:insp*
  date:2020  date:2020-06  date:2020-06-07
  date:2020-01..2020-06  date:2019..  date:..2020-06
                        the post's date (a comment has its post's date)
  in:post  in:comment  in:reply
  is:removed  is:vanished

  A typing mistake (an unclosed quote or parenthesis, a dangling OR) is not an error:
  the plain words are searched instead and a note on stderr says so.  Put the query in
  single quotes so the shell keeps its double quotes:  archive-reader search '"the wheel"'

examples:
  archive-reader search inspection report
  archive-reader search '"thematic inspection" date:2019..2021 in:comment'
  archive-reader search 'title:wheel' --sort date --json
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "search",
        help="full-text search of posts and comments",
        description="Search every post and comment of the library. The search index is "
        "brought up to date first when imports changed the library (with a progress bar on "
        "a terminal).",
        epilog=QUERY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("query", nargs="+", metavar="QUERY", help="words and operators (see below)")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="hits to show (20)")
    p.add_argument("--offset", type=int, default=0, metavar="N", help="skip the first N hits")
    p.add_argument(
        "--sort",
        choices=("relevance", "date"),
        default="relevance",
        help="best matches first (default) or newest first",
    )
    p.add_argument("--group", action="store_true", help="one line per thread, with its hits")
    p.add_argument("--json", action="store_true", help="JSON output (a list)")
    p.set_defaults(handler=cmd_search)

    p = subparsers.add_parser(
        "reindex",
        help="rebuild the search index from the library",
        description="Rebuild the search index from scratch. Never needed in normal use (the "
        "index follows imports and repairs itself), but harmless.",
    )
    p.set_defaults(handler=cmd_reindex)


def _open_index(library: Library):
    from reader.search import open_index

    return open_index(library)


def cmd_search(args: argparse.Namespace) -> int:
    if args.limit < 1 or args.offset < 0:
        raise ReaderError("--limit must be at least 1 and --offset at least 0")
    from reader.search import IndexBusy, IndexCancelled

    text = " ".join(args.query)
    progress = TerminalProgress()
    with Library.open(args.library) as library:
        index = _open_index(library)
        try:
            if library.read_only:
                results = _search_read_only(library, index, text, args)
            else:
                try:
                    index.ensure_fresh(progress=progress)
                except (IndexBusy, IndexCancelled):
                    pass  # searched as it is; the results carry a "stale" notice
                finally:
                    progress.done()
                results = index.search(
                    text, limit=args.limit, offset=args.offset, sort=args.sort, group=args.group
                )
        finally:
            index.close()
    for notice in results.notices:
        print(f"archive-reader: note: {notice}", file=sys.stderr)
    if args.json:
        json.dump(results.to_json(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    _print_text(results, args, colour=sys.stdout.isatty())
    return 0


def _search_read_only(library: Library, index, text: str, args: argparse.Namespace):
    """A read-only library's index is used as it is when it matches the library; otherwise
    the store is searched directly (the index is never rebuilt into the library's folder)."""
    options = {"limit": args.limit, "offset": args.offset, "sort": args.sort, "group": args.group}
    if index.check().fresh:
        return index.search(text, **options)
    from reader.search.scan import scan_search

    return scan_search(library.conn, text, **options)


def _print_text(results, args: argparse.Namespace, *, colour: bool) -> None:
    out = sys.stdout
    if results.groups is not None:
        for group in results.groups:
            hit = group.best
            where = f"#{hit.path}" if hit.path else "post"
            hits = "1 hit" if group.count == 1 else f"{group.count} hits"
            out.write(f"{group.date.isoformat()}  {group.title}  ({hits})\n")
            snippet = hit.snippet.ansi() if colour else hit.snippet.brackets()
            out.write(f"    {where}: {snippet}\n")
        shown = len(results.groups)
        unit = "threads"
        total = results.threads
    else:
        for hit in results.hits:
            where = f"comment #{hit.path}" if hit.kind == "comment" else "post"
            flags = " [removed]" if hit.removed else ""
            out.write(f"{hit.date.isoformat()}  {hit.title}  {where}{flags}\n")
            snippet = hit.snippet.ansi() if colour else hit.snippet.brackets()
            out.write(f"    {snippet}\n")
        shown = len(results.hits)
        unit = "matches"
        total = results.total
    if shown:
        out.write(f"-- {args.offset + 1}–{args.offset + shown} of {total} {unit}")
    else:
        out.write(f"-- no {unit}" if not total else f"-- {total} {unit}")
    out.write(f" ({results.elapsed * 1000:.0f} ms)\n")


def cmd_reindex(args: argparse.Namespace) -> int:
    from reader.search import IndexCancelled

    progress = TerminalProgress()
    started = time.monotonic()
    with Library.open(args.library) as library:
        if library.read_only:
            from reader.errors import LibraryReadOnly

            raise LibraryReadOnly(f"the library at {library.paths.root} is read-only")
        index = _open_index(library)
        try:
            status = index.rebuild(progress=progress)
        except IndexCancelled as exc:
            raise ReaderError(str(exc)) from None
        finally:
            progress.done()
            index.close()
    print(f"Indexed {status.index_docs} posts and comments in {time.monotonic() - started:.1f} s")
    return 0
