"""Knowledge articles: known fixes the analyst can follow with the caller."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from deskcli.models.columns import text


class KnowledgeArticleBase(SQLModel):
    """An article as written in ``data/knowledge/*.md`` or by the office."""

    slug: str = Field(max_length=120, unique=True)
    title: str = Field(max_length=200)
    category: str = Field(default="", max_length=64)
    keywords: str = Field(default="", max_length=500)
    symptoms: str = Field(default="", sa_type=text())
    steps: str = Field(default="", sa_type=text())


class KnowledgeArticle(KnowledgeArticleBase, table=True):
    """A knowledge article row."""

    __tablename__ = "knowledge_article"

    id: int | None = Field(default=None, primary_key=True)
    times_used: int = 0
    created_at: datetime
    updated_at: datetime
