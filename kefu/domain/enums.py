"""Closed vocabularies shared by every layer."""

from __future__ import annotations

from enum import StrEnum


class TicketStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    ON_HOLD = "on_hold"
    SOLVED = "solved"
    CLOSED = "closed"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Channel(StrEnum):
    WEB_CHAT = "web_chat"
    EMAIL = "email"
    PHONE = "phone"
    TELEGRAM = "telegram"
    X = "x"
    FACEBOOK = "facebook"
    API = "api"
    WEB_FORM = "web_form"


class Direction(StrEnum):
    INBOUND = "inbound"  # from the customer
    OUTBOUND = "outbound"  # from staff to the customer
    INTERNAL = "internal"  # a note staff see and customers never do


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class AgentStatus(StrEnum):
    ONLINE = "online"
    AWAY = "away"
    OFFLINE = "offline"


class Tier(StrEnum):
    STANDARD = "standard"
    VIP1 = "vip1"
    VIP2 = "vip2"
    VIP3 = "vip3"


class IdentityKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    TELEGRAM = "telegram"
    X = "x"
    FACEBOOK = "facebook"
    CHAT = "chat"
