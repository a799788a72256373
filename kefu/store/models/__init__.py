"""All ORM models; importing this package registers every table on `Base.metadata`."""

from kefu.store.models.audit import AuditEntry, IdempotencyRecord
from kefu.store.models.base import Base, utcnow
from kefu.store.models.people import (
    Agent,
    ApiToken,
    Customer,
    CustomerIdentity,
    Team,
    agent_teams,
)
from kefu.store.models.safety import (
    CustomerRestriction,
    Incident,
    IncidentTicket,
    MessageMark,
    TicketEmbedding,
    TicketMerge,
)
from kefu.store.models.tickets import (
    Attachment,
    Escalation,
    Message,
    Ticket,
    TicketEvent,
    TicketTag,
)

__all__ = [
    "Agent",
    "ApiToken",
    "Attachment",
    "AuditEntry",
    "Base",
    "Customer",
    "CustomerIdentity",
    "CustomerRestriction",
    "Escalation",
    "IdempotencyRecord",
    "Incident",
    "IncidentTicket",
    "Message",
    "MessageMark",
    "Team",
    "Ticket",
    "TicketEmbedding",
    "TicketEvent",
    "TicketMerge",
    "TicketTag",
    "agent_teams",
    "utcnow",
]
