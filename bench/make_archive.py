"""Write a large, realistic, deterministic synthetic blog dump for benchmarks and manual tests.

Why: the real seeds are a few kilobytes, but the importer must be measured on dumps of the size
users have (tens to hundreds of megabytes, 100k+ comments).  This writes one in the exact
layout of ``reader.formats.blogtext`` (via ``reader.formats.blogtext_write``), newest post
first, with English-like text drawn from a Zipf-weighted vocabulary of a few thousand words,
heavy-tailed comment counts (most posts 0–30, a few 300+), one level of replies, paragraphs,
numbered lines, separators, removed comments and some listing pages without comments.

    python bench/make_archive.py OUT.txt [--posts 5000] [--seed 1] [--verify]

The same ``--posts``/``--seed`` always give the same bytes.  ``--verify`` parses the file back,
checks the counts and prints the parse speed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader.formats import ParseReport, blogtext
from reader.formats.blogtext_write import render_post
from reader.model import ParsedComment, ParsedPost

_COMMON = """
the of and to a in is it you that he was for on are with as his they be at one have this from
or had by not but what some we can out other were all there when up use your how said an each
she which do their time if will way about many then them write would like so these her long
make thing see him two has look more day could go come did number sound no most people my over
know water than call first who may down side been now find any new work part take get place
made live where after back little only round man year came show every good me give our under
name very through just form sentence great think say help low line differ turn cause much mean
before move right boy old too same tell does set three want air well also play small end put
home read hand port large spell add even land here must big high such follow act why ask men
change went light kind off need house picture try us again animal point mother world near build
self earth father head stand own page should country found answer school grow study still learn
plant cover food sun four between state keep eye never last let thought city tree cross farm
hard start might story saw far sea draw left late run while press close night real life few
north open seem together next white children begin got walk example ease paper group always
music those both mark often letter until mile river car feet care second book carry took
science eat room friend began idea fish mountain stop once base hear horse cut sure watch
color face wood main enough plain girl usual young ready above ever red list though feel talk
bird soon body dog family direct pose leave song measure door product black short numeral class
wind question happen complete ship area half rock order fire south problem piece told knew pass
since top whole king space heard best hour better true during hundred five remember step early
hold west ground interest reach fast verb sing listen six table travel less morning ten simple
several vowel toward war lay against pattern slow center love person money serve appear road
map rain rule govern pull cold notice voice unit power town fine certain fly fall lead cry dark
machine note wait plan figure star box noun field rest correct able pound done beauty drive
stood contain front teach week final gave green oh quick develop ocean warm free minute strong
special mind behind clear tail produce fact street inch multiply nothing course stay wheel full
force blue object decide surface deep moon island foot system busy test record boat common gold
possible plane stead dry wonder laugh thousand ago ran check game shape equate hot miss brought
heat snow tire bring yes distant fill east paint language among grand ball yet wave drop heart
present heavy dance engine position arm wide sail material size vary settle speak weight general
ice matter circle pair include divide syllable felt perhaps pick sudden count square reason
length represent art subject region energy hunt probable bed brother egg ride cell believe
fraction forest sit race window store summer train sleep prove lone leg exercise wall catch
mount wish sky board joy winter sat written wild instrument kept glass grass cow job edge sign
visit past soft fun bright gas weather month million bear finish happy hope flower clothe
strange gone jump baby eight village meet root buy raise solve metal whether push seven
paragraph third shall held hair describe cook floor either result burn hill safe cat century
consider type law bit coast copy phrase silent tall sand soil roll temperature finger industry
value fight lie beat excite natural view sense ear else quite broke case middle kill son lake
moment scale loud spring observe child straight consonant nation dictionary milk speed method
organ pay age section dress cloud surprise quiet stone tiny climb cool design poor lot
experiment bottom key iron single stick flat twenty skin smile crease hole trade melody trip
office receive row mouth exact symbol die least trouble shout except wrote seed tone join
suggest clean break lady yard rise bad blow oil blood touch grew cent mix team wire cost lost
brown wear garden equal sent choose fell fit flow fair bank collect save control decimal gentle
woman captain practice separate difficult doctor please protect noon whose locate ring
character insect caught period indicate radio spoke atom human history effect electric expect
crop modern element hit student corner party supply bone rail imagine provide agree thus
capital chair danger fruit rich thick soldier process operate guess necessary sharp wing create
neighbor wash bat rather crowd corn compare poem string bell depend meat rub tube famous dollar
stream fear sight thin triangle planet hurry chief colony clock mine tie enter major fresh
search send yellow gun allow print dead spot desert suit current lift rose continue block chart
hat sell success company subtract event particular deal swim term opposite wife shoe shoulder
spread arrange camp invent cotton born determine quart nine truck noise level chance gather
shop stretch throw shine property column molecule select wrong gray repeat require broad
prepare salt nose plural anger claim continent oxygen sugar death pretty skill women season
solution magnet silver thank branch match suffix especially fig afraid huge sister steel
discuss forward similar guide experience score apple bought led pitch coat mass card band rope
slip win dream evening condition feed tool total basic smell valley nor double seat arrive
master track parent shore division sheet substance favor connect post spend chord fat glad
original share station dad bread charge proper bar offer segment slave duck instant market
degree populate chick dear enemy reply drink occur support speech nature range steam motion
path liquid log meant quotient teeth shell neck
"""

_DOMAIN = """
probation officer officers service services union unions inspection inspections inspector
inspectorate offender offenders prison prisons prisoner prisoners court courts magistrate
magistrates sentence sentences sentencing licence recall recalls breach breaches supervision
caseload caseloads workload workloads manager managers management senior staff colleagues
ministry justice minister ministers government policy policies reform reforms contract
contracts provider providers private public sector funding budget budgets cuts pay
progression grade grades training qualification qualified practitioner practitioners
assessment assessments risk risks report reports review reviews oversight accountability
leadership leaders director directors executive chief national regional local area areas
team teams office offices admin interventions programme programmes accredited rehabilitation
resettlement accommodation hostel hostels approved premises employment education drugs
alcohol mental health wellbeing morale stress sickness absence recruitment retention vacancy
vacancies agency temporary permanent strike ballot negotiations consultation members
membership branch officials representative representatives napo unison gmb dispute
grievance disciplinary investigation investigations tribunal complaint complaints evidence
data target targets performance outcome outcomes quality standards framework system systems
computer software delius oasys laptop laptops email emails meeting meetings zoom covid
pandemic lockdown remote working return unpaid community order orders victim victims safety
safeguarding domestic violence abuse police partnership partners council councils charity
charities volunteer volunteers mentor mentors transforming unification model blog comment
comments readers anonymous reply replies thread article press media journalist committee
select parliament inquiry evidence transcript chair secretary permanent civil servants
treasury spending review announcement announcements consultation response statement
"""

_EXTRA_WORDS_TEXT = (
    "the a and of to is in that it not we they this but have be are was for on with as at by all so"
)
_EXTRA_WORDS = _EXTRA_WORDS_TEXT.split()

_NAMES_TEXT = (
    "Jim Anon Getafix Alison David Suki Ian Amy Kim Antonia Robert Sonia Peter Maurice Katie "
    "Sean Boris Priti Grayling"
)
_NAMES = _NAMES_TEXT.split()

_SYLLABLES_TEXT = (
    "ab ac ad al am an ar as at ba be bi bo ca ce ci co con cor da de di do el em en er es fa "
    "fe fi fo ga ge gi go ha he hi ho im in is la le li lo ma me mi mo na ne ni no or pa pe "
    "pi po pre pro ra re ri ro sa se si so sta ta te ti to tra un ver vi"
)
_SYLLABLES = _SYLLABLES_TEXT.split()
_ENDINGS_TEXT = "tion ment ness ity al ous ive er ing ed ly ance"
_ENDINGS = _ENDINGS_TEXT.split()


def build_vocabulary(rng: random.Random, size: int = 3200) -> tuple[list[str], list[float]]:
    """Words and Zipf cumulative weights: real English first, then derived and made-up forms."""
    words: list[str] = []
    seen: set[str] = set()

    def add(word: str) -> None:
        if word not in seen:
            seen.add(word)
            words.append(word)

    for word in _EXTRA_WORDS + _COMMON.split() + _DOMAIN.split():
        add(word)
    base = list(words)
    for word in base:  # inflected forms: "inspection" -> "inspections"
        if len(words) >= size * 3 // 4:
            break
        if len(word) > 3 and word[-1] not in "sy":
            add(word + "s")
        if len(word) > 4 and word[-1] == "e":
            add(word[:-1] + "ing")
    real = len(words)
    while len(words) < size:  # made-up but pronounceable words for the rare tail
        parts = rng.randint(2, 3)
        stem = "".join(rng.choice(_SYLLABLES) for _ in range(parts))
        add(stem + rng.choice(_ENDINGS))
    # Function words keep the top ranks, other real words come next, made-up words last.
    ranked = (
        words[:60]
        + rng.sample(words[60:real], real - 60)
        + rng.sample(words[real:], len(words) - real)
    )
    weights = [1.0 / (rank + 2) ** 1.05 for rank in range(len(ranked))]
    return ranked, list(itertools.accumulate(weights))


class TextMaker:
    """English-like sentences, paragraphs and comment texts from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words, self.cum = build_vocabulary(rng)

    def sentence(self) -> str:
        rng = self.rng
        words = rng.choices(self.words, cum_weights=self.cum, k=rng.randint(5, 24))
        if rng.random() < 0.15:
            words.insert(rng.randrange(len(words)), rng.choice(_NAMES))
        if rng.random() < 0.2:
            at = rng.randrange(1, len(words) - 1)
            words[at] = words[at] + ","
        text = " ".join(words)
        return text[0].upper() + text[1:] + rng.choice(".....?!")

    def paragraph(self, low: int = 1, high: int = 5) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def title(self) -> str:
        words = self.rng.choices(self.words, cum_weights=self.cum, k=self.rng.randint(2, 6))
        return " ".join(w.capitalize() for w in words)

    def body(self) -> str:
        rng = self.rng
        parts: list[str] = []
        for _ in range(rng.randint(3, 13)):
            roll = rng.random()
            if roll < 0.06:
                parts.append("--oo00oo--")
            elif roll < 0.12:
                items = [f"{n}. {self.sentence()}" for n in range(1, rng.randint(3, 7))]
                parts.append("\n".join(items))
            elif roll < 0.16:
                parts.append("\n".join(f"  • {self.sentence()}" for _ in range(rng.randint(2, 5))))
            elif roll < 0.22:
                lines = [self.paragraph(1, 2) for _ in range(rng.randint(2, 4))]
                parts.append("\n".join(lines))
            else:
                parts.append(self.paragraph(2, 7))
        if rng.random() < 0.3:
            parts.append(rng.choice(_NAMES))
        return "\n\n".join(parts)

    def comment(self) -> str:
        rng = self.rng
        parts: list[str] = []
        for _ in range(rng.choice((1, 1, 1, 1, 2, 2, 3, 4))):
            roll = rng.random()
            if roll < 0.04:
                items = [f"{n}. {self.sentence()}" for n in range(1, rng.randint(3, 5))]
                parts.append("\n".join(items))
            elif roll < 0.12:
                parts.append("\n".join(self.sentence() for _ in range(rng.randint(2, 4))))
            elif roll < 0.16:
                parts.append(
                    f"https://www.example.org/{rng.choice(self.words)}/{rng.randrange(10**6)}"
                )
            else:
                parts.append(self.paragraph(1, 4))
        if rng.random() < 0.05:
            parts.append("'" + rng.choice(_NAMES))
        return "\n\n".join(parts)


_REMOVED = (
    "This comment has been removed by the author.",
    "This comment has been removed by a blog administrator.",
)


def comment_total(rng: random.Random, busy: bool) -> int:
    """Comments and replies of one post: 0–30 mostly, up to 150; 300–700 for a busy post."""
    if busy:
        return rng.randint(300, 700)
    if rng.random() < 0.12:
        return 0
    return min(int(rng.lognormvariate(3.04, 0.75)), 150)


def make_comments(rng: random.Random, maker: TextMaker, total: int) -> list[ParsedComment]:
    """``total`` comments and replies as a tree one level deep."""
    comments: list[ParsedComment] = []
    left = total
    while left > 0:
        top = ParsedComment(text=maker.comment())
        left -= 1
        if left and rng.random() < 0.3:
            for _ in range(min(left, int(rng.expovariate(0.6)) + 1)):
                top.replies.append(ParsedComment(text=maker.comment()))
                left -= 1
        comments.append(top)
    for comment in itertools.chain(comments, *(c.replies for c in comments)):
        if rng.random() < 0.01:
            comment.text = rng.choice(_REMOVED)
            comment.removed = True
    return comments


def make_posts(posts: int, seed: int) -> Iterator[ParsedPost]:
    """The posts of the dump, newest first."""
    rng = random.Random(seed)
    maker = TextMaker(rng)
    date = dt.date(2021, 12, 31)
    # A fixed share of busy posts keeps the total stable from seed to seed.
    busy = set(rng.sample(range(posts), round(posts * 0.015)))
    for index in range(posts):
        listing = index not in busy and rng.random() < 0.03  # no comment section
        total = comment_total(rng, index in busy)
        comments = None if listing else make_comments(rng, maker, total)
        yield ParsedPost(
            date=date,
            title=maker.title(),
            body=maker.body(),
            declared_comments=None,
            comments=comments,
        )
        date -= dt.timedelta(days=rng.choice((0, 1, 1, 1, 2, 3)))


def main(argv: list[str] | None = None) -> int:
    """Write the dump, print its size and counts; with ``--verify`` parse it back and time it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="dump file to write")
    parser.add_argument("--posts", type=int, default=5000, help="number of posts (5000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    parser.add_argument("--verify", action="store_true", help="parse it back and time that")
    args = parser.parse_args(argv)

    n_posts = n_top = n_replies = n_removed = 0
    start = time.perf_counter()
    with open(args.out, "w", encoding="utf-8", newline="\n") as handle:
        for post in make_posts(args.posts, args.seed):
            if n_posts:
                handle.write("\n")
            handle.write(render_post(post))
            n_posts += 1
            for comment in post.comments or ():
                n_top += 1
                n_replies += len(comment.replies)
                n_removed += comment.removed + sum(r.removed for r in comment.replies)
    elapsed = time.perf_counter() - start
    size = args.out.stat().st_size
    print(
        f"wrote {args.out}: {size / 1e6:.1f} MB, {n_posts} posts, {n_top + n_replies} comments "
        f"({n_top} top-level, {n_replies} replies, {n_removed} removed) in {elapsed:.1f} s"
    )
    if args.verify:
        report = ParseReport()
        start, cpu = time.perf_counter(), time.process_time()
        got_posts = got_comments = 0
        for post in blogtext.parse(args.out, report):
            got_posts += 1
            got_comments += sum(1 + len(c.replies) for c in post.comments or ())
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(
            f"parsed {got_posts} posts, {got_comments} comments in {elapsed:.2f} s: "
            f"{size / 1e6 / elapsed:.1f} MB/s ({size / 1e6 / cpu:.1f} MB/s of CPU time), "
            f"{len(report.warnings)} warnings"
        )
        if (got_posts, got_comments) != (n_posts, n_top + n_replies) or report.warnings:
            print("MISMATCH", report.warnings[:5], file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
