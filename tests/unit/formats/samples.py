"""Small exports of every format, written by the tests themselves (no outside material).

Each builder returns bytes shaped like the real thing (namespaces, escaping, CDATA) with only
the fields the parsers read, so a test states its case in a few lines of Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

# -- WordPress WXR -----------------------------------------------------------------------------


@dataclass
class WpComment:
    id: int
    content: str
    parent: int = 0
    author: str = "Reader"
    url: str = ""
    date: str = "2020-01-02 10:00:00"
    date_gmt: str = "2020-01-02 09:00:00"
    approved: str = "1"
    type: str = ""


@dataclass
class WpItem:
    id: int
    title: str
    content: str = "Body text."
    type: str = "post"
    status: str = "publish"
    date: str = "2020-01-01 12:00:00"
    date_gmt: str = "2020-01-01 11:00:00"
    creator: str = "admin"
    link: str = ""
    comments: list[WpComment] = field(default_factory=list)


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def wxr(items: list[WpItem], *, scheme: str = "https", version: str = "1.2") -> bytes:
    ns = f"{scheme}://wordpress.org/export/{version}/"
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<rss version="2.0" xmlns:excerpt="' + ns + 'excerpt/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="' + ns + '">\n<channel>\n',
        "<title>Test site</title>\n<link>https://blog.example.org</link>\n",
        f"<wp:wxr_version>{version}</wp:wxr_version>\n",
        "<wp:base_site_url>https://blog.example.org</wp:base_site_url>\n",
        "<wp:base_blog_url>https://blog.example.org</wp:base_blog_url>\n",
        "<wp:author><wp:author_id>1</wp:author_id><wp:author_login>"
        + cdata("admin")
        + "</wp:author_login><wp:author_display_name>"
        + cdata("Site Admin")
        + "</wp:author_display_name></wp:author>\n",
    ]
    for item in items:
        parts.append(
            "<item>\n"
            f"<title>{escape(item.title)}</title>\n"
            f"<link>{escape(item.link or f'https://blog.example.org/?p={item.id}')}</link>\n"
            f"<dc:creator>{cdata(item.creator)}</dc:creator>\n"
            f"<content:encoded>{cdata(item.content)}</content:encoded>\n"
            f"<excerpt:encoded>{cdata('')}</excerpt:encoded>\n"
            f"<wp:post_id>{item.id}</wp:post_id>\n"
            f"<wp:post_date>{cdata(item.date)}</wp:post_date>\n"
            f"<wp:post_date_gmt>{cdata(item.date_gmt)}</wp:post_date_gmt>\n"
            f"<wp:status>{cdata(item.status)}</wp:status>\n"
            f"<wp:post_type>{cdata(item.type)}</wp:post_type>\n"
        )
        for c in item.comments:
            parts.append(
                "<wp:comment>\n"
                f"<wp:comment_id>{c.id}</wp:comment_id>\n"
                f"<wp:comment_author>{cdata(c.author)}</wp:comment_author>\n"
                f"<wp:comment_author_email>{cdata('x@example.org')}</wp:comment_author_email>\n"
                f"<wp:comment_author_url>{escape(c.url)}</wp:comment_author_url>\n"
                f"<wp:comment_date>{cdata(c.date)}</wp:comment_date>\n"
                f"<wp:comment_date_gmt>{cdata(c.date_gmt)}</wp:comment_date_gmt>\n"
                f"<wp:comment_content>{cdata(c.content)}</wp:comment_content>\n"
                f"<wp:comment_approved>{cdata(c.approved)}</wp:comment_approved>\n"
                f"<wp:comment_type>{cdata(c.type)}</wp:comment_type>\n"
                f"<wp:comment_parent>{c.parent}</wp:comment_parent>\n"
                "</wp:comment>\n"
            )
        parts.append("</item>\n")
    parts.append("</channel>\n</rss>\n")
    return "".join(parts).encode("utf-8")


# -- Blogger -----------------------------------------------------------------------------------

BLOG = "tag:blogger.com,1999:blog-42"
KIND = "http://schemas.google.com/blogger/2008/kind#"


def blogger_entry(
    number: str,
    kind: str,
    *,
    title: str = "",
    content: str = "",
    published: str = "2011-07-13T22:22:37.508-04:00",
    author: str = "Writer",
    uri: str | None = "https://www.blogger.com/profile/1",
    post: str | None = None,
    parent: str | None = None,
    draft: bool = False,
    total: int | None = None,
    removed: bool = False,
    content_type: str = "html",
) -> str:
    """One legacy-backup ``<entry>``; ``post``/``parent`` are numbers of the post/comment."""
    parts = [
        f"<entry><id>{BLOG}.post-{number}</id>",
        f"<published>{published}</published><updated>{published}</updated>",
    ]
    if draft:
        parts.append(
            "<app:control xmlns:app='http://purl.org/atom/app#'><app:draft>yes</app:draft>"
            "</app:control>"
        )
    parts.append(
        f"<category scheme='http://schemas.google.com/g/2005#kind' term='{KIND}{kind}'/>"
        f"<title type='text'>{escape(title)}</title>"
        f"<content type='{content_type}'>{escape(content)}</content>"
        "<link rel='alternate' type='text/html'"
        f" href='http://blog.example.org/2011/01/post-{post or number}.html'/>"
    )
    if parent:
        parts.append(
            "<link rel='related' type='application/atom+xml' href="
            f"'http://www.blogger.com/feeds/42/{post}/comments/default/{parent}'/>"
        )
    parts.append(f"<author><name>{escape(author)}</name>")
    if uri:
        parts.append(f"<uri>{uri}</uri>")
    parts.append("<email>noreply@blogger.com</email></author>")
    if post and kind == "comment":
        parts.append(
            f"<thr:in-reply-to href='http://blog.example.org/2011/01/post-{post}.html'"
            f" ref='{BLOG}.post-{post}' type='text/html'/>"
        )
        parts.append(
            "<gd:extendedProperty name='blogger.displayTime' value='July 13, 2011 10:22 PM'/>"
        )
    if removed:
        parts.append("<gd:extendedProperty name='blogger.contentRemoved' value='true'/>")
    if total is not None:
        parts.append(f"<thr:total>{total}</thr:total>")
    parts.append("</entry>\n")
    return "".join(parts)


def blogger_feed(entries: list[str], *, feed_id: str = f"{BLOG}.archive", head: str = "") -> bytes:
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        "<feed xmlns='http://www.w3.org/2005/Atom' xmlns:gd='http://schemas.google.com/g/2005'"
        " xmlns:thr='http://purl.org/syndication/thread/1.0'"
        " xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/'>\n"
        f"<id>{feed_id}</id><title type='text'>Test blog</title>{head}"
        "<generator version='7.00' uri='http://www.blogger.com'>Blogger</generator>\n"
        + "".join(entries)
        + "</feed>\n"
    ).encode("utf-8")


def takeout_entry(
    ident: str,
    kind: str,
    *,
    status: str = "LIVE",
    title: str = "",
    content: str = "",
    parent: str = "",
    in_reply_to: str = "",
    published: str = "2020-01-02T03:04:05Z",
    author: str = "Writer",
    trashed: str = "",
) -> str:
    return (
        f"<entry><id>{BLOG}.{ident}</id><blogger:type>{kind}</blogger:type>"
        f"<blogger:status>{status}</blogger:status>"
        + (f"<blogger:parent>{BLOG}.{parent}</blogger:parent>" if parent else "")
        + (
            f"<blogger:inReplyTo>{BLOG}.{in_reply_to}</blogger:inReplyTo>"
            if in_reply_to
            else "<blogger:inReplyTo/>"
        )
        + f"<author><name>{escape(author)}</name><blogger:type>BLOGGER</blogger:type></author>"
        f"<title>{escape(title)}</title><content type='html'>{escape(content)}</content>"
        f"<published>{published}</published><blogger:trashed>{trashed}</blogger:trashed>"
        "</entry>\n"
    )


def takeout(entries: list[str]) -> bytes:
    return (
        "<?xml version='1.0' encoding='utf-8'?>"
        "<feed xmlns='http://www.w3.org/2005/Atom'"
        " xmlns:blogger='http://schemas.google.com/blogger/2018'>"
        "<id>tag:blogger.com,1999:blog-42</id><title>Test blog</title>\n"
        + "".join(entries)
        + "</feed>\n"
    ).encode("utf-8")


# -- Disqus ------------------------------------------------------------------------------------


def disqus(threads: list[tuple[str, str, str, str]], posts: list[dict]) -> bytes:
    """``threads``: (dsq id, link, title, createdAt); ``posts``: dicts with id, thread,
    message, and optional parent, created, deleted, spam, author."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n'
        '<category dsq:id="1"><forum>test</forum><title>General</title></category>\n'
    ]
    for dsq_id, link, title, created in threads:
        parts.append(
            f'<thread dsq:id="{dsq_id}"><id /><forum>test</forum><category dsq:id="1" />'
            f"<link>{escape(link)}</link><title>{escape(title)}</title><message />"
            f"<createdAt>{created}</createdAt><author><name>x</name>"
            "<isAnonymous>false</isAnonymous></author><isClosed>false</isClosed>"
            "<isDeleted>false</isDeleted></thread>\n"
        )
    for post in posts:
        parts.append(
            f'<post dsq:id="{post["id"]}"><id />'
            f"<message>{cdata(post['message'])}</message>"
            f"<createdAt>{post.get('created', '2020-01-01T00:00:00Z')}</createdAt>"
            f"<isDeleted>{str(post.get('deleted', False)).lower()}</isDeleted>"
            f"<isSpam>{str(post.get('spam', False)).lower()}</isSpam>"
            f"<author><name>{escape(post.get('author', 'Someone'))}</name>"
            "<isAnonymous>false</isAnonymous></author>"
            f'<thread dsq:id="{post["thread"]}" />'
            + (f'<parent dsq:id="{post["parent"]}" />' if post.get("parent") else "")
            + "</post>\n"
        )
    parts.append("</disqus>\n")
    return "".join(parts).encode("utf-8")


# -- mbox --------------------------------------------------------------------------------------


def message(
    message_id: str,
    subject: str,
    body: str | bytes,
    *,
    sender: str = "Ann Example <ann@example.org>",
    date: str = "Mon, 18 Sep 1995 17:14:26 -0500",
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: str = "",
    envelope: str = "From ann@example.org Mon Sep 18 17:14:26 1995",
) -> bytes:
    head = (
        f"{envelope}\nFrom: {sender}\nDate: {date}\nSubject: {subject}\n"
        + (f"Message-ID: <{message_id}>\n" if message_id else "")
        + (f"In-Reply-To: <{in_reply_to}>\n" if in_reply_to else "")
        + (f"References: {references}\n" if references else "")
        + headers
        + "\n"
    ).encode("utf-8")
    data = body if isinstance(body, bytes) else body.encode("utf-8")
    return head + data.rstrip(b"\n") + b"\n\n"


def attribute(value: str) -> str:
    return quoteattr(value)
