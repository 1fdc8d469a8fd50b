"""Export formats: parse throughput and peak memory on generated ~100 MB WXR and mbox files.

    python bench/formats.py [--size-mb 100] [--repeat 3] [--formats wxr,mbox] [--keep DIR]

For each format a file of about ``--size-mb`` is generated once (realistic shapes: HTML post
bodies, nested comment threads, pingbacks, spam; mail threads with References, quoted text,
encoded headers, a few multipart and Latin-1 messages), then each round runs in a fresh
process so its peak RSS is its own:

* **baseline** — the bare streaming parse of the same file by the same library with no work
  per record: lxml ``iterparse`` clearing each ``<item>`` (WXR); the standard library's
  ``mailbox.mbox`` reading every message and its text payload (mbox);
* **parse** — ``reader.formats.parse``: every post and comment as the importer gets them
  (sanitised HTML, plain text, reply trees, times), nothing stored.

Speeds are the fastest run; the ratio is the median over rounds of parse/baseline measured
back to back (a slow spell on a shared machine then slows both sides of a pair).  Peak RSS is
the largest over rounds.  Issue 18's budget: peak RSS <= 400 MB on a 500 MB export; the
ratio target (<= 1.3x) is for the full import against parse + bare insert, measured by
bench/import.py once phase 2 stores the new fields.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = [
    "archive",
    "reader",
    "comment",
    "thread",
    "reply",
    "blog",
    "post",
    "export",
    "offline",
    "search",
    "note",
    "highlight",
    "history",
    "quote",
    "paragraph",
    "letter",
    "answer",
    "question",
    "season",
    "garden",
    "river",
    "mountain",
    "city",
    "road",
    "window",
    "table",
    "chair",
    "winter",
    "summer",
    "friend",
    "doctor",
    "teacher",
    "market",
    "coffee",
    "music",
    "theatre",
]


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def write_wxr(path: Path, size: int, seed: int = 1) -> dict:
    """A WXR 1.2 file of about ``size`` bytes; returns how many posts and comments it holds."""
    rng = random.Random(seed)
    posts = comments = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"'
            ' xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
            ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
            ' xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            "<title>Bench</title><link>https://bench.example.org</link>\n"
            "<wp:base_blog_url>https://bench.example.org</wp:base_blog_url>\n"
        )
        comment_id = 0
        while out.tell() < size:
            posts += 1
            body = "\n\n".join(
                sentence(rng, rng.randint(20, 60))
                + (f' <a href="https://example.org/{posts}">link</a>' if rng.random() < 0.3 else "")
                + (
                    f' <img src="https://img.example.org/{posts}.jpg" alt="photo">'
                    if rng.random() < 0.2
                    else ""
                )
                for _ in range(rng.randint(3, 10))
            )
            day = 1 + posts % 28
            out.write(
                f"<item><title>Post {posts}: {sentence(rng, 5)}</title>"
                f"<link>https://bench.example.org/{posts}/</link>"
                f"<dc:creator>{cdata('admin')}</dc:creator>"
                f"<content:encoded>{cdata(body)}</content:encoded>"
                f"<wp:post_id>{posts}</wp:post_id>"
                f"<wp:post_date>{cdata(f'2020-03-{day:02d} 12:00:00')}</wp:post_date>"
                f"<wp:post_date_gmt>{cdata(f'2020-03-{day:02d} 11:00:00')}</wp:post_date_gmt>"
                f"<wp:status>{cdata('publish')}</wp:status>"
                f"<wp:post_type>{cdata('post')}</wp:post_type>\n"
            )
            ids: list[int] = []
            for _ in range(rng.choice((0, 3, 10, 30, 60))):
                comment_id += 1
                comments += 1
                parent = rng.choice(ids) if ids and rng.random() < 0.4 else 0
                ids.append(comment_id)
                roll = rng.random()
                approved, kind = ("spam", "") if roll < 0.02 else ("1", "")
                if 0.02 <= roll < 0.04:
                    kind = "pingback"
                text = "\n".join(
                    sentence(rng, rng.randint(8, 40)) for _ in range(rng.randint(1, 4))
                )
                out.write(
                    f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author>{cdata(f'Reader {comment_id % 500}')}</wp:comment_author>"
                    f"<wp:comment_author_url>https://r{comment_id % 500}.example"
                    "</wp:comment_author_url>"
                    f"<wp:comment_date>{cdata(f'2020-03-{day:02d} 13:00:00')}</wp:comment_date>"
                    f"<wp:comment_date_gmt>{cdata(f'2020-03-{day:02d} 12:00:00')}"
                    "</wp:comment_date_gmt>"
                    f"<wp:comment_content>{cdata(text)}</wp:comment_content>"
                    f"<wp:comment_approved>{cdata(approved)}</wp:comment_approved>"
                    f"<wp:comment_type>{cdata(kind)}</wp:comment_type>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>\n"
                )
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")
    return {"posts": posts, "comments": comments}


def write_mbox(path: Path, size: int, seed: int = 2) -> dict:
    """An mboxrd file of about ``size`` bytes in threads; returns threads and messages."""
    rng = random.Random(seed)
    threads = messages = 0
    with open(path, "wb") as out:
        while out.tell() < size:
            threads += 1
            subject = f"Thread {threads}: {sentence(rng, 4)[:-1]}"
            ids: list[str] = []
            for n in range(rng.choice((1, 2, 5, 12, 30))):
                messages += 1
                mid = f"m{messages}@bench.example.org"
                parent = rng.choice(ids) if ids else None
                ids.append(mid)
                headers = [
                    f"From sender{messages % 300}@example.org Mon Mar  2 12:00:00 2020",
                    f"From: Sender {messages % 300} <sender{messages % 300}@example.org>",
                    f"Date: Mon, {1 + n % 28} Mar 2020 12:{n % 60:02d}:00 +0100",
                    f"Subject: {'Re: ' if parent else ''}{subject}",
                    f"Message-ID: <{mid}>",
                ]
                if parent:
                    headers.append(f"In-Reply-To: <{parent}>")
                    headers.append(f"References: <{ids[0]}> <{parent}>")
                body = "\n\n".join(
                    sentence(rng, rng.randint(15, 50)) for _ in range(rng.randint(2, 8))
                )
                if parent:
                    body = "> " + sentence(rng, 12) + "\n\n" + body
                if messages % 50 == 0:
                    headers.append("Content-Type: text/plain; charset=iso-8859-1")
                    data = (body + " café").encode("latin-1")
                elif messages % 70 == 0:
                    headers += ["MIME-Version: 1.0",
                                'Content-Type: multipart/alternative; boundary="b"']  # fmt: skip
                    data = (
                        f"--b\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
                        f"--b\nContent-Type: text/html; charset=utf-8\n\n<p>{body}</p>\n--b--"
                    ).encode()
                else:
                    headers.append("Content-Type: text/plain; charset=utf-8")
                    data = body.encode()
                out.write("\n".join(headers).encode() + b"\n\n" + data + b"\n\n")
    return {"posts": threads, "comments": messages - threads}


def run_baseline(fmt: str, path: Path) -> dict:
    count = 0
    if fmt == "wxr":
        from lxml import etree

        for _event, element in etree.iterparse(str(path), events=("end",)):
            if element.tag == "item":
                count += 1
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
    else:
        import mailbox

        for message in mailbox.mbox(str(path)):
            count += 1
            for part in message.walk():
                if part.get_content_maintype() == "text":
                    part.get_payload(decode=True)
    return {"records": count}


def run_parse(fmt: str, path: Path) -> dict:
    from reader import formats

    posts = comments = 0
    report = formats.ParseReport()
    for post in formats.parse(path, report):
        posts += 1
        comments += sum(1 for _ in post.walk_comments())
    return {"posts": posts, "comments": comments, "format": report.format}


def child(kind: str, fmt: str, path: str) -> None:
    started = time.perf_counter()
    result = (run_baseline if kind == "baseline" else run_parse)(fmt, Path(path))
    result["seconds"] = time.perf_counter() - started
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def measure(kind: str, fmt: str, path: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", kind, fmt, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default="wxr,mbox")
    parser.add_argument("--keep", type=Path, help="folder to keep (and reuse) generated files")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory(prefix="bench-formats-") as temp:
        folder = args.keep or Path(temp)
        folder.mkdir(parents=True, exist_ok=True)
        size = int(args.size_mb * (1 << 20))
        rows = []
        for fmt in args.formats.split(","):
            path = folder / f"bench-{int(args.size_mb)}mb.{'xml' if fmt == 'wxr' else 'mbox'}"
            if not path.exists() or abs(path.stat().st_size - size) > size * 0.05:
                started = time.perf_counter()
                shape = (write_wxr if fmt == "wxr" else write_mbox)(path, size)
                print(f"generated {path.name}: {path.stat().st_size / 1e6:.0f} MB, {shape},"
                      f" {time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
            megabytes = path.stat().st_size / 1e6
            base_runs, parse_runs, ratios = [], [], []
            for _ in range(args.repeat):
                base = measure("baseline", fmt, path)
                parsed = measure("parse", fmt, path)
                base_runs.append(base)
                parse_runs.append(parsed)
                ratios.append(parsed["seconds"] / base["seconds"])
            best_base = min(r["seconds"] for r in base_runs)
            best_parse = min(r["seconds"] for r in parse_runs)
            rows.append(
                (
                    fmt,
                    megabytes,
                    f"{parse_runs[0]['posts']} posts, {parse_runs[0]['comments']} comments",
                    megabytes / best_base,
                    megabytes / best_parse,
                    statistics.median(ratios),
                    max(r["rss_mb"] for r in base_runs),
                    max(r["rss_mb"] for r in parse_runs),
                )
            )
        print()
        print(
            "| format | MB | content | baseline MB/s | parse MB/s | parse/baseline (median)"
            " | baseline peak RSS MB | parse peak RSS MB |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for fmt, mb, content, base, parsed, ratio, base_rss, parse_rss in rows:
            print(
                f"| {fmt} | {mb:.0f} | {content} | {base:.1f} | {parsed:.1f} | {ratio:.2f}x"
                f" | {base_rss:.0f} | {parse_rss:.0f} |"
            )


if __name__ == "__main__":
    main()
