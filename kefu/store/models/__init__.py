"""All ORM models; importing this package registers every table on `Base.metadata`."""

from kefu.store.models.audit import AuditEntry, IdempotencyRecord
from kefu.store.models.base import Base, utcnow
from kefu.store.models.official import IdentityCode, LookalikeFinding, OfficialChannel
from kefu.store.models.people import (
    Agent,
    ApiToken,
    Customer,
    CustomerIdentity,
    Team,
    agent_teams,
)
from kefu.store.models.routing import (
    AgentProfile,
    AgentShift,
    BusinessCalendar,
    ShiftException,
    SlaPolicyRule,
    TicketSla,
    WaitEstimate,
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
    IntentCorrection,
    Message,
    Ticket,
    TicketEvent,
    TicketTag,
)

__all__ = [
    "Agent",
    "AgentProfile",
    "AgentShift",
    "ApiToken",
    "Attachment",
    "AuditEntry",
    "Base",
    "BusinessCalendar",
    "Customer",
    "CustomerIdentity",
    "CustomerRestriction",
    "Escalation",
    "IdempotencyRecord",
    "IdentityCode",
    "Incident",
    "IncidentTicket",
    "IntentCorrection",
    "LookalikeFinding",
    "Message",
    "MessageMark",
    "OfficialChannel",
    "ShiftException",
    "SlaPolicyRule",
    "Team",
    "Ticket",
    "TicketEmbedding",
    "TicketEvent",
    "TicketMerge",
    "TicketSla",
    "TicketTag",
    "WaitEstimate",
    "agent_teams",
    "utcnow",
]
