"""Parse feeds with python3-feedparser, the way many aggregators do, and print what it read.

Usage: python3 feedparser-check.py URL...
Prints one JSON document: a list with, per URL, feedparser's verdict (bozo and its exception),
the detected version and every entry's id, link, title and published date, and its pictures
(enclosures, Media RSS content, thumbnails and credits, as feedparser lists them). `published` is the
raw string from the document (feedparser keeps it as written), so the caller can check the
+08:00 offset survived.
"""

import json
import sys

import feedparser


def entry_fields(entry):
    return {
        "id": entry.get("id"),
        "link": entry.get("link"),
        "title": entry.get("title"),
        "published": entry.get("published"),
        "updated": entry.get("updated"),
        "summary": entry.get("summary"),
        "enclosures": [dict(e) for e in entry.get("enclosures", [])],
        "media_content": [dict(m) for m in entry.get("media_content", [])],
        "media_thumbnail": [dict(m) for m in entry.get("media_thumbnail", [])],
        "media_credit": [dict(m) for m in entry.get("media_credit", [])],
    }


def check(url):
    parsed = feedparser.parse(url)
    exception = parsed.get("bozo_exception")
    return {
        "url": url,
        "status": parsed.get("status"),
        "bozo": int(bool(parsed.get("bozo"))),
        "bozo_exception": None if exception is None else repr(exception),
        "version": parsed.get("version"),
        "title": parsed.feed.get("title"),
        "entries": [entry_fields(entry) for entry in parsed.entries],
    }


if __name__ == "__main__":
    json.dump([check(url) for url in sys.argv[1:]], sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
