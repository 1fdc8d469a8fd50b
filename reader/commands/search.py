"""``search`` and ``reindex``: full-text search over the library from a terminal.

Query words may start with ``-`` (``search probation -napo`` excludes "napo"): the search
command's parser takes as options only the ones ``--help`` lists, and every other word is part
of the query, before or after the options.

What reaches the terminal is safe: titles and excerpts lose control characters, marks are bold
reverse video on a terminal (``--color``) or brackets elsewhere, with literal brackets
escaped; JSON escapes every control character, so printing it cannot drive a terminal either.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any

from reader.commands.progress import TerminalProgress
from reader.errors import ReaderError
from reader.plurals import plural
from reader.store import Library

if TYPE_CHECKING:
    from reader.commands import Subparsers
    from reader.search import Hit, SearchIndex, SearchResults, Suggestion

QUERY_HELP = """\
query language:
  plain words           every word must match; best matches first (BM25F)
  a OR b                either word (OR binds tighter: x a OR b = x and (a or b))
  -word, NOT word       leave out items with the word
  "exact phrase"        the words in this order (word endings are folded, as for plain
                        words: "inspection report" also finds "inspection reports")
  inspect*              words starting with "inspect", as written (all of them)
  inspecton~            words within 1 edit (2 for longer words; inspecton~2 says how many)
  ( ... )               grouping: (probation OR parole) officer
  title:word            only in post titles; also title:"a phrase", title:insp*
  date:2020  date:2020-06  date:2020-06-07
  date:2020-01..2020-06  date:2019..  date:..2020-06
                        the post's date (a comment has its post's date)
  in:post  in:comment  in:reply
  is:removed  is:vanished

  A typing mistake is not an error: an unclosed quote or parenthesis is closed at the end,
  a dangling OR or NOT is dropped, and a note on stderr says what was searched.  Words may
  start with "-" anywhere on the line.  Put the query in single quotes so the shell keeps its
  double quotes:  archive-reader search '"the wheel"'

output:
  One hit per two lines: date, title and where, then the excerpt with the matched words in
  bold reverse video on a terminal, or in [brackets] otherwise (a literal bracket or
  backslash in the text is written \\[ \\] \\\\).  When a word is in no item and a
  correction finds hits, a last line says "Did you mean: <query>?" (on stderr with --json).
  --json prints a list of hits carrying "snippet" (brackets, unescaped) and "excerpt":
  {"text", "marks": [[start, end], ...]} (character offsets).  --json-object prints one
  object: {"query", "total", "offset", "limit", "sort", "hits" (or "threads" and "groups"
  with --group: the list --json prints), "notices", "stale", "suggestion": null or
  {"query", "corrections": [{"typed", "suggested"}], "total"}}.

examples:
  archive-reader search inspection report
  archive-reader search '"thematic inspection" date:2019..2021 in:comment'
  archive-reader search 'title:wheel' --sort date --json
  archive-reader search probation -napo
"""


class QueryArgumentParser(argparse.ArgumentParser):
    """An argument parser whose positional words are a query: a word starting with ``-`` is a
    query word unless it is one of the parser's own options (``--`` ends the options)."""

    def parse_known_args(  # type: ignore[override]  # (typeshed's overloads)
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        options, words = split_query_arguments(
            list(sys.argv[1:] if args is None else args), self._option_string_actions
        )
        parsed, extras = super().parse_known_args(options, namespace)
        if not words and not any(o in ("-h", "--help") for o in options):
            self.error("the following arguments are required: QUERY")
        parsed.query = words
        return parsed, extras


def split_query_arguments(
    args: list[str], actions: dict[str, argparse.Action]
) -> tuple[list[str], list[str]]:
    """(option arguments, query words) of a search command line, each in its order."""
    options: list[str] = []
    words: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if arg == "--":
            words.extend(args[index:])
            break
        name = arg.split("=", 1)[0] if arg.startswith("--") else arg
        action = actions.get(name)
        if action is not None:
            options.append(arg)
            if action.nargs != 0 and "=" not in arg and index < len(args):
                options.append(args[index])
                index += 1
        elif arg.startswith("--") and len(arg) > 2 and re.fullmatch(r"--[a-z][a-z-]*(=.*)?", arg):
            options.append(arg)  # an unknown option: argparse says so
        else:
            words.append(arg)
    return options, words


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "search",
        help="full-text search of posts and comments",
        allow_abbrev=False,
        description="Search every post and comment of the library. The search index is "
        "brought up to date first when imports changed the library (with a progress bar on "
        "a terminal).",
        epilog=QUERY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.__class__ = QueryArgumentParser  # query words may start with "-" (see the class)
    p.add_argument("query", nargs="*", metavar="QUERY", help="words and operators (see below)")
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
    p.add_argument(
        "--json-object",
        action="store_true",
        help="JSON output as one object: the list of --json with the total, the notices and "
        "any suggestion",
    )
    p.add_argument(
        "--color",
        "--colour",
        choices=("auto", "always", "never"),
        default="auto",
        help="mark matches in bold reverse video: on a terminal (auto, unless NO_COLOR is "
        "set), always, or never (brackets)",
    )
    p.set_defaults(handler=cmd_search)

    p = subparsers.add_parser(
        "reindex",
        help="rebuild the search index from the library",
        description="Rebuild the search index from scratch. Never needed in normal use (the "
        "index follows imports and repairs itself), but harmless.",
    )
    p.set_defaults(handler=cmd_reindex)


def _open_index(library: Library) -> SearchIndex:
    from reader.search import open_index

    return open_index(library)


def cmd_search(args: argparse.Namespace) -> int:
    if args.limit < 1 or args.offset < 0:
        raise ReaderError("--limit must be at least 1 and --offset at least 0")
    from reader.search.snippets import clean_text

    text = " ".join(args.query)
    progress = TerminalProgress()
    with Library.open(args.library) as library:
        index = _open_index(library)
        try:
            if library.read_only:
                results = _search_read_only(library, index, text, args)
            else:
                results = _search_writable(index, text, args, progress)
        finally:
            index.close()
    for notice in results.notices:
        print(f"archive-reader: note: {clean_text(notice)}", file=sys.stderr)
    if args.json or args.json_object:
        if results.suggestion is not None:
            print(f"archive-reader: note: {did_you_mean(results.suggestion)}", file=sys.stderr)
        shape = results.to_json_object() if args.json_object else results.to_json()
        sys.stdout.write(safe_json(shape))
        sys.stdout.write("\n")
        return 0
    _print_text(results, args, colour=use_colour(args.color, sys.stdout))
    return 0


def _options(args: argparse.Namespace) -> dict[str, Any]:
    return {"limit": args.limit, "offset": args.offset, "sort": args.sort, "group": args.group}


def _search_writable(
    index: SearchIndex, text: str, args: argparse.Namespace, progress: TerminalProgress
) -> SearchResults:
    """Bring the index up to date (a rebuild if it is damaged), then search it."""
    from reader.search import IndexBusy, IndexCancelled

    options = _options(args)
    try:
        index.ensure_fresh(progress=progress)
    except (IndexBusy, IndexCancelled):
        pass  # searched as it is; the results carry a "stale" notice
    finally:
        progress.done()
    results = index.search(text, **options)
    if results.damaged:  # found damaged while reading: rebuilt, then answered
        try:
            index.rebuild(progress=progress)
        except (IndexBusy, IndexCancelled):
            pass
        finally:
            progress.done()
        results = index.search(text, **options)
    return results


def _search_read_only(
    library: Library, index: SearchIndex, text: str, args: argparse.Namespace
) -> SearchResults:
    """A read-only library: the index is used as it is when it matches the library, else the
    store is searched directly (``SearchIndex.search`` does both); nothing is rebuilt into the
    library's folder."""
    return index.search(text, **_options(args))


def did_you_mean(suggestion: Suggestion) -> str:
    """The suggestion as one safe line (the query is the user's own text with a word
    replaced: it may hold control characters typed or pasted on the command line)."""
    from reader.search.snippets import clean_text

    return f"Did you mean: {clean_text(suggestion.query)}?"


def use_colour(choice: str, stream: IO[str]) -> bool:
    """``--color``: auto colours a terminal unless ``NO_COLOR`` is set or TERM is dumb."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def safe_json(value: Any) -> str:
    """JSON text (UTF-8, indented) in which every control character is escaped: ``json``
    escapes U+0000-U+001F itself; DEL, the C1 controls, line separators and bidirectional
    overrides are escaped here too.  The data is unchanged."""
    text = json.dumps(value, ensure_ascii=False, indent=1)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _print_text(results: SearchResults, args: argparse.Namespace, *, colour: bool) -> None:
    from reader.search.snippets import clean_text

    out = sys.stdout

    def excerpt(hit: Hit) -> str:
        return hit.snippet.ansi() if colour else hit.snippet.brackets(escape=True)

    if results.groups is not None:
        for group in results.groups:
            hit = group.best
            where = f"#{hit.path}" if hit.path else "post"
            hits = "1 hit" if group.count == 1 else f"{group.count} hits"
            out.write(f"{group.date.isoformat()}  {clean_text(group.title)}  ({hits})\n")
            out.write(f"    {where}: {excerpt(hit)}\n")
        shown = len(results.groups)
        unit = "threads"
        total = results.threads
    else:
        for hit in results.hits:
            where = f"comment #{hit.path}" if hit.kind == "comment" else "post"
            flags = " [removed]" if hit.removed else ""
            out.write(f"{hit.date.isoformat()}  {clean_text(hit.title)}  {where}{flags}\n")
            out.write(f"    {excerpt(hit)}\n")
        shown = len(results.hits)
        unit = "matches"
        total = results.total
    if shown:
        out.write(f"-- {args.offset + 1}–{args.offset + shown} of {total} {unit}")
    else:
        out.write(f"-- no {unit}" if not total else f"-- {total} {unit}")
    out.write(f" ({results.elapsed * 1000:.0f} ms)\n")
    if results.suggestion is not None:
        out.write(did_you_mean(results.suggestion) + "\n")


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
    indexed = plural(status.index_docs, "post or comment", "posts and comments")
    print(f"Indexed {indexed} in {time.monotonic() - started:.1f} s")
    return 0
