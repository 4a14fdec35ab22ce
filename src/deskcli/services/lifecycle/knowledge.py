"""Knowledge articles: the shipped starter set and suggestions while the caller talks."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select

from deskcli.config import datafiles
from deskcli.config.datafiles import DataFile
from deskcli.core.errors import DataFileError
from deskcli.models import KnowledgeArticle
from deskcli.services.actor import Actor
from deskcli.services.lookup import fts_sqlite

_FRONT_MATTER = re.compile(r"\A\+\+\+\n(?P<meta>.*?)\n\+\+\+\n(?P<body>.*)\Z", re.DOTALL)
_SECTION = re.compile(r"^## (?P<title>.+)$", re.MULTILINE)

STOPWORDS = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "cannot", "can't", "do", "does", "doesn't", "for", "from", "has", "have", "i", "i'm", "in", "is", "isn't", "it", "it's", "my", "no", "not", "of", "on", "or", "our", "so", "that", "the", "their", "them", "then", "there", "they", "this", "to", "was", "wasn't", "we", "were", "what", "when", "where", "which", "who", "will", "with", "won't", "work", "working", "you", "your"]
)
"""Words too common to suggest an article by."""


class ArticleMeta(BaseModel):
    """The TOML front matter of an article file."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    category: str = Field(default="", max_length=64)
    keywords: str = Field(default="", max_length=500)


def parse_article(file: DataFile) -> tuple[str, ArticleMeta, str, str]:
    """Split an article file into (slug, metadata, symptoms, steps)."""
    match = _FRONT_MATTER.match(file.text)
    if not match:
        raise DataFileError(f"{file.name}: expected TOML front matter between '+++' lines at the top.")
    meta = datafiles.validate(ArticleMeta, datafiles.parse_toml(DataFile(file.name, match["meta"])), file)
    sections = _sections(match["body"])
    if "steps" not in sections:
        raise DataFileError(f"{file.name}: field steps: expected a '## Steps' section.")
    slug = file.name.rsplit("/", 1)[-1].removesuffix(".md")
    return slug, meta, sections.get("symptoms", ""), sections["steps"]


def _sections(body: str) -> dict[str, str]:
    parts = _SECTION.split(body)
    # parts: [before, title1, text1, title2, text2, ...]
    return {parts[i].strip().lower(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def shipped_articles() -> list[tuple[str, ArticleMeta, str, str]]:
    """Every starter article in ``data/knowledge``, parsed and validated."""
    return [parse_article(file) for file in datafiles.iter_folder("knowledge", ".md")]


def sync_shipped(session: Session, by: Actor) -> int:
    """Add shipped articles the database does not have yet (office edits are kept)."""
    existing = set(session.exec(select(KnowledgeArticle.slug)))
    added = 0
    now = by.now()
    for slug, meta, symptoms, steps in shipped_articles():
        if slug in existing:
            continue
        session.add(
            KnowledgeArticle(
                slug=slug,
                title=meta.title,
                category=meta.category,
                keywords=meta.keywords,
                symptoms=symptoms,
                steps=steps,
                created_at=now,
                updated_at=now,
            )
        )
        added += 1
    return added


def suggest(session: Session, text: str, *, limit: int = 5) -> list[KnowledgeArticle]:
    """Articles that match what the analyst has typed so far, best first."""
    words = [w for w in re.findall(r"[\w']+", text.lower()) if len(w) >= 3 and w not in STOPWORDS]
    if not words:
        return []
    query = " ".join(words[-12:])  # the latest words say most about the problem
    if session.get_bind().dialect.name == "sqlite":
        ids = fts_sqlite.article_ids(session, query, limit)
    else:
        ids = _ids_by_title(session, words, limit)
    if not ids:
        return []
    found = {a.id: a for a in session.exec(select(KnowledgeArticle).where(col(KnowledgeArticle.id).in_(ids)))}
    return [found[i] for i in ids if i in found]


def _ids_by_title(session: Session, words: list[str], limit: int) -> list[int]:
    """Portable fallback: articles whose keywords mention the first word."""
    pattern = f"%{words[0]}%"
    rows = session.exec(
        select(KnowledgeArticle.id).where(col(KnowledgeArticle.keywords).like(pattern)).limit(limit)
    )
    return [row for row in rows if row is not None]


def record_use(session: Session, call_id: int, article_id: int, by: Actor) -> KnowledgeArticle:
    """The analyst opened an article and followed it with the caller."""
    from deskcli.core.errors import NotFound
    from deskcli.models import EventKind
    from deskcli.services.lifecycle import events
    from deskcli.services.lifecycle.calls import get_call

    article = session.get(KnowledgeArticle, article_id)
    if article is None:
        raise NotFound(f"knowledge article {article_id} does not exist.")
    call = get_call(session, call_id)
    events.record(session, call, EventKind.ARTICLE_USED, by, article_id=article_id, slug=article.slug, title=article.title, step="followed")
    return article
