"""Knowledge articles: the starter set ships, loads once, and is suggested from what is typed."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from deskcli.config.datafiles import DataFile
from deskcli.core.errors import DataFileError
from deskcli.models import KnowledgeArticle
from deskcli.services.lifecycle import knowledge


def test_starter_articles_parse_with_steps():
    """Every shipped article has a title and a Steps section."""
    articles = knowledge.shipped_articles()
    assert len(articles) >= 8
    for slug, meta, _symptoms, steps in articles:
        assert meta.title and steps.startswith("1."), slug


def test_sync_adds_missing_articles_once_and_keeps_office_edits(store, actor):
    """Syncing twice adds nothing the second time, and does not overwrite edits."""
    with store.write() as session:
        first = knowledge.sync_shipped(session, actor)
    with store.write() as session:
        article = session.exec(select(KnowledgeArticle).where(KnowledgeArticle.slug == "password-reset")).one()
        article.steps = "1. Our own way"
        session.add(article)
    with store.write() as session:
        assert knowledge.sync_shipped(session, actor) == 0
    with store.read() as session:
        count = session.exec(select(func.count()).select_from(KnowledgeArticle)).one()
        kept = session.exec(select(KnowledgeArticle.steps).where(KnowledgeArticle.slug == "password-reset")).one()
    assert first == count == len(knowledge.shipped_articles())
    assert kept == "1. Our own way"


@pytest.mark.parametrize(
    ("typed", "expected_slug"),
    [
        ("the printer is offline", "printer-offline"),
        ("caller is locked out of her account", "account-locked"),
        ("VPN from home says authentication failed", "vpn-cannot-connect"),
        ("monitor says no sign", "monitor-no-signal"),
    ],
)
def test_suggestions_follow_what_is_typed(store, actor, typed, expected_slug):
    """The best suggestion for a summary is the article about it (prefixes count)."""
    with store.write() as session:
        knowledge.sync_shipped(session, actor)
    with store.read() as session:
        suggestions = knowledge.suggest(session, typed)
    assert suggestions and suggestions[0].slug == expected_slug


def test_nothing_to_suggest_from_stopwords(store, actor):
    """Common words alone suggest nothing."""
    with store.write() as session:
        knowledge.sync_shipped(session, actor)
    with store.read() as session:
        assert knowledge.suggest(session, "it is not the") == []


def test_article_without_front_matter_or_steps_is_named():
    """A broken article file is reported by name."""
    with pytest.raises(DataFileError, match="front matter"):
        knowledge.parse_article(DataFile("data/knowledge/x.md", "## Steps\n1. a\n"))
    with pytest.raises(DataFileError, match="Steps"):
        knowledge.parse_article(DataFile("data/knowledge/x.md", '+++\ntitle = "x"\n+++\n## Symptoms\nnone\n'))
    with pytest.raises(DataFileError, match="title"):
        knowledge.parse_article(DataFile("data/knowledge/x.md", "+++\ntitel = 'x'\n+++\n## Steps\n1. a\n"))
