"""The call record: SQLModel tables and their input models.

Importing this package registers every table on ``SQLModel.metadata`` (the
migrations compare against it) and the append-only guard on call events.
"""

from deskcli.models import guards as _guards  # noqa: F401  (registers the ORM hooks)
from deskcli.models.analyst import Analyst, AnalystBase
from deskcli.models.call import Call, CallAssessment, CallImpact
from deskcli.models.commitment import Commitment
from deskcli.models.counter import Counter
from deskcli.models.customer import Customer, CustomerBase, CustomerCreate, CustomerPhone
from deskcli.models.draft import CallDraft
from deskcli.models.enums import (
    OPEN_STATUSES,
    AckMethod,
    BusinessImpact,
    CallStatus,
    Channel,
    CommitmentKind,
    CommitmentOutcome,
    EscalationType,
    EventKind,
    Stage,
    Urgency,
)
from deskcli.models.escalation import Escalation, EscalationBase
from deskcli.models.event import CallEvent
from deskcli.models.exchange import ImportBatch, ImportChange, ImportKey
from deskcli.models.knowledge import KnowledgeArticle, KnowledgeArticleBase
from deskcli.models.review import EscalationReview
from deskcli.models.scorecard import Scorecard

__all__ = [
    "OPEN_STATUSES",
    "AckMethod",
    "Analyst",
    "AnalystBase",
    "BusinessImpact",
    "Call",
    "CallAssessment",
    "CallDraft",
    "CallEvent",
    "CallImpact",
    "CallStatus",
    "Channel",
    "Commitment",
    "CommitmentKind",
    "CommitmentOutcome",
    "Counter",
    "Customer",
    "CustomerBase",
    "CustomerCreate",
    "CustomerPhone",
    "Escalation",
    "EscalationBase",
    "EscalationReview",
    "EscalationType",
    "EventKind",
    "ImportBatch",
    "ImportChange",
    "ImportKey",
    "KnowledgeArticle",
    "KnowledgeArticleBase",
    "Scorecard",
    "Stage",
    "Urgency",
]
