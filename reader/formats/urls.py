"""Article addresses reduced to what identifies the article: how comment threads find posts.

A Disqus export holds one thread per address a page was ever opened at: the same article as
``http://localhost:27850/p/x``, ``https://blog.example.com/p/x/`` and ``…/p/%E7%AC%AC`` in
lower case.  ``url_key`` keeps only the path (percent-escapes decoded, so their case does not
matter; letters in lower case, as one article is also opened as ``…/whats-new-in-Python3-4``;
no trailing slash) and only those query parameters that name an article (WordPress's
``?p=12``, ``?page_id=3``); scheme, host, port, fragment and every other parameter (tracking,
``?page=2`` of the comments, a translation proxy's ``?_x_tr_sl=``) are dropped.  Phase 2
stores it beside each post so a Disqus thread can attach to the WordPress or Blogger post of
the same article.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

_ARTICLE_PARAMETERS = frozenset({"p", "page_id", "post", "post_id", "postid", "id", "article"})


def url_key(url: str | None) -> str | None:
    """The article part of ``url`` ("/p/some-post"), or ``None`` for no usable address."""
    if not url or not url.strip():
        return None
    text = url.strip()
    if "://" not in text and not text.startswith("/"):
        text = "//" + text  # "example.com/p/x": a host without a scheme
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    path = unquote(parts.path or "/", errors="replace").lower()
    while "//" in path:
        path = path.replace("//", "/")
    path = path.rstrip("/") or "/"
    for suffix in ("/index.html", "/index.php", "/amp"):
        if path.endswith(suffix) and len(path) > len(suffix):
            path = path[: -len(suffix)]
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name.lower() in _ARTICLE_PARAMETERS
    ]
    if query:
        return f"{path}?{urlencode(sorted(query))}"
    return path


def site_key(url: str | None) -> str:
    """A site's address as an identity: host (no "www.", lower case) and path, no scheme."""
    if not url or not url.strip():
        return ""
    text = url.strip()
    if "://" not in text:
        text = "//" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return url.strip().lower()
    host = host.removeprefix("www.")
    return f"{host}{port}{parts.path.rstrip('/')}"
