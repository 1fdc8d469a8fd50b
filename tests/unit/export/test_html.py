"""The HTML export: well formed, self-contained, dump text escaped, highlights and notes where
the issue wants them."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from reader.export.html import HIGHLIGHT_RGB, colour_rgb, render_html
from reader.model import COLOURS
from reader.render.document import build_document

VOID = {"meta", "br", "hr", "img", "link", "input"}
EXTERNAL_TAGS = {"script", "link", "img", "iframe", "object", "embed", "video", "audio", "source"}


class Checker(HTMLParser):
    """Tag balance, unique ids and anything that would fetch a resource."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.fragments: list[str] = []
        self.doctype = False
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in EXTERNAL_TAGS:
            self.errors.append(f"external-resource tag <{tag}>")
        for name, value in attrs:
            if name == "href" and value and value.startswith("#"):
                self.fragments.append(value[1:])  # a place in the same file
            elif name in {"src", "href", "srcset", "action", "poster", "data"}:
                self.errors.append(f"<{tag} {name}={value!r}>")
            if name == "id":
                self.ids.append(value)
            if name == "style":
                self.styles.append(value or "")
        if tag == "style":
            self._in_style = True
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]} ")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)


def check(document: str) -> Checker:
    checker = Checker()
    checker.feed(document)
    checker.close()
    assert checker.doctype, "no <!DOCTYPE html>"
    assert not checker.errors, checker.errors
    missing = set(checker.fragments) - set(checker.ids)
    assert not missing, f"links to places that do not exist: {missing}"
    assert checker.stack == [], f"unclosed: {checker.stack}"
    assert len(checker.ids) == len(set(checker.ids)), "duplicate ids"
    css = " ".join(checker.styles)
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    assert '<meta charset="utf-8">' in document
    return checker


def _sample(kit, **opts):
    c = kit.comment
    post = kit.make_post(
        "Body with <b>markup</b> & a link https://example.org/?a=1&b=2 and a £ sign.",
        c(
            "1",
            "Top <script>alert(1)</script> comment.\n\nSecond paragraph\nwith a line break.",
            c("1.1", "A reply, highlighted here.", c("1.1.1", "Deeper still.")),
        ),
        c("2", "Removed at author's request.", removed=True),
        c("3", "Back at the top."),
    )
    texts = {x.id: x.text for x in post.walk_comments()}
    annotations = [
        kit.annotate(
            "c1.1", texts["c1.1"], "highlighted", colour="blue", note="Why <this> matters"
        ),
        kit.annotate("p1", post.body, "£ sign", colour="pink"),
    ]
    bookmarks = [kit.bookmark("c3", "for the hearing")]
    options = kit.options(**opts)
    document = build_document(
        post, annotations=annotations, bookmarks=bookmarks, annotated_only=options.annotated_only
    )
    return document, options


def test_html_is_well_formed_and_self_contained(kit) -> None:
    for flavour in ("browser", "qt"):
        document = render_html(*_sample(kit), flavour=flavour)
        check(document)
        assert "http" not in re.sub(r"https://example\.org/\?a=1&amp;b=2", "", document)


def test_dump_text_is_escaped_never_interpreted(kit) -> None:
    document = render_html(*_sample(kit))
    assert "&lt;b&gt;markup&lt;/b&gt;" in document
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    assert "<script" not in document
    assert "Why &lt;this&gt; matters" in document
    assert not re.search(r'<a [^>]*href="(?!#)', document)  # web addresses stay text
    text = "".join(check(document).text)
    assert "Body with <b>markup</b> & a link https://example.org/?a=1&b=2" in text


def test_structure_numbers_paragraphs_and_nesting(kit) -> None:
    document = render_html(*_sample(kit))
    for path in ("1", "1.1", "1.1.1", "2", "3"):
        assert f'<span class="num">{path}</span>' in document
    assert '<p dir="auto">Top' in document
    assert '<p dir="auto">Second paragraph<br>\nwith a line break.</p>' in document
    # 1.1.1 sits inside 1.1's replies, which sit inside 1's replies
    nested = re.search(
        r'id="c-1".*?class="replies".*?id="c-1-1".*?class="replies".*?id="c-1-1-1"', document, re.S
    )
    assert nested
    assert re.search(r'<span class="flag">removed</span>', document)
    assert "★ bookmarked: for the hearing" in document


def test_highlights_use_the_palette_and_notes_follow_their_comment(kit) -> None:
    document = render_html(*_sample(kit))
    blue = HIGHLIGHT_RGB["blue"]
    assert f'<span style="background-color:{blue}">highlighted</span>' in document
    assert f'<span style="background-color:{HIGHLIGHT_RGB["pink"]}">£ sign</span>' in document
    reply = document.index('id="c-1-1"')
    note = document.index('id="note-2"')
    deeper = document.index('id="c-1-1-1"')
    assert reply < note < deeper, "the note comes right after its comment"
    assert "<b>[2]</b> " in document and "“highlighted”" in document


def test_endnotes_move_notes_to_the_end_with_their_place(kit) -> None:
    document = render_html(*_sample(kit, endnotes=True))
    check(document)
    notes_heading = document.index("<h2>Notes</h2>")
    assert document.index('id="note-1"') > notes_heading
    assert "comment 1.1: " in document and "post: " in document
    assert document.index('id="c-3"') < notes_heading


def test_every_colour_has_a_distinct_background() -> None:
    assert {colour_rgb(name) for name in COLOURS} == set(HIGHLIGHT_RGB.values())
    assert len(set(HIGHLIGHT_RGB.values())) == len(COLOURS)
    assert colour_rgb("ultraviolet") == HIGHLIGHT_RGB["yellow"]


def test_characters_no_font_has_print_as_code_points(kit) -> None:
    post = kit.make_post("CJK 中文 and an emoji 🙂 here.")
    document = render_html(build_document(post), kit.options(), missing={"中", "🙂"})
    assert "[U+4E2D]" in document and "[U+1F642]" in document and "文" in document


def test_control_characters_do_not_break_the_document(kit) -> None:
    post = kit.make_post("nul \x00 and form feed \x0c inside")
    check(render_html(build_document(post), kit.options()))


def test_header_block_holds_the_facts(kit) -> None:
    document = render_html(*_sample(kit, annotated_only=True))
    text = " ".join(" ".join(check(document).text).split())
    assert "Posted Sunday, 7 March 2021" in text  # the pane's date, the dumps' own style
    assert "Source dump-2021.txt" in text  # the file name only
    assert "/archive" not in document and "Post id" not in text and "p1" not in text
    assert "Exported 2024-05-01 09:30 +0000" in text
    assert "Comments 5 (this export shows 3" in text
    assert "Annotations 2" in text and "Bookmarks 1" in text


def test_source_details_only_when_asked(kit) -> None:
    for flavour in ("browser", "qt"):
        plain = render_html(*_sample(kit), flavour=flavour)
        assert "/archive/dump-2021.txt" not in plain and "Post id" not in plain
        detailed = render_html(*_sample(kit, with_source_details=True), flavour=flavour)
        text = " ".join(" ".join(check(detailed).text).split())
        assert "Source dump-2021.txt" in text
        assert "Source path /archive/dump-2021.txt" in text and "Post id p1" in text


def test_declared_and_held_comments_both_shown_when_they_differ(kit) -> None:
    post = kit.make_post("Body.", kit.comment("1", "One."), kit.comment("2", "Two."))
    post.declared_comments = 5
    text = " ".join(" ".join(check(render_html(build_document(post), kit.options())).text).split())
    assert "Comments 2 held of 5 declared" in text


def test_summary_lists_every_note_with_a_link_to_its_passage(kit) -> None:
    document = render_html(*_sample(kit))
    checker = check(document)
    text = " ".join(" ".join(checker.text).split())
    summary = text[text.index("Annotations [1]") : text.index("Post ")]
    assert "[1] post “£ sign”" in summary
    assert "[2] comment 1.1 “highlighted” — Why <this> matters" in summary
    assert {"m-1", "m-2"} <= set(checker.fragments) and {"m-1", "m-2"} <= set(checker.ids)
    # the summary comes before the post, the notes after their passages stay where they were
    assert text.index("Annotations [1]") < text.index("Post ") < text.index("£ sign [1]")


def test_summary_can_be_switched_off_and_is_absent_without_annotations(kit) -> None:
    assert "Annotations</h2>" not in render_html(*_sample(kit, summary=False))
    plain = build_document(kit.make_post("Nothing marked."))
    assert "Annotations</h2>" not in render_html(plain, kit.options(summary=True))


def test_top_level_comments_are_separated_by_a_rule_in_a_browser(kit) -> None:
    document = render_html(*_sample(kit))
    assert re.search(r"\.top \+ \.top \{ border-top: 1px solid", document)
    assert document.count('class="comment top"') == 3
