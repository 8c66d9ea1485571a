"""SQLAlchemy models, one module per aggregate; importing this package registers them all."""
from portal.models.acceptance import Acceptance, RemoteAcceptanceLink
from portal.models.access_token import AccessToken
from portal.models.attachment import Attachment
from portal.models.batch import BatchJob
from portal.models.checklist import ChecklistTemplate
from portal.models.customer import Contact, Customer, CustomerAddress
from portal.models.document import Document
from portal.models.fieldwork import Diagnosis, Inspection, Loaner, PartUsage, Visit, WorkRecord
from portal.models.follow_up import FollowUpTask, Survey
from portal.models.idempotency import IdempotencyRecord
from portal.models.inbox import InboxItem
from portal.models.knowledge import KnowledgeArticle
from portal.models.mail import OutgoingMail
from portal.models.notification import Notification, OutboxMessage
from portal.models.product import Asset, Part, ProductModel
from portal.models.quote import Quote
from portal.models.recovery_code import RecoveryCode
from portal.models.routing import RoutingRule
from portal.models.security_event import SecurityEvent
from portal.models.service_mode import DepotReceipt, EntitlementDecision, Parcel, RemoteSession, Rma
from portal.models.service_point import ServicePoint
from portal.models.sla import SlaPolicy
from portal.models.sync_conflict import SyncConflict
from portal.models.task import QueuedTask
from portal.models.ticket import Ticket, TicketCounter, TicketEvent
from portal.models.user import Department, User
from portal.models.user_session import UserSession

__all__ = [
    "AccessToken", "Acceptance", "Asset", "Attachment", "BatchJob", "ChecklistTemplate", "Contact", "Customer",
    "CustomerAddress", "Department", "DepotReceipt", "Diagnosis", "Document", "EntitlementDecision", "FollowUpTask",
    "IdempotencyRecord", "InboxItem",
    "Inspection", "KnowledgeArticle", "Loaner", "Notification", "OutboxMessage", "OutgoingMail", "Parcel", "Part",
    "PartUsage",
    "ProductModel", "QueuedTask", "Quote", "RecoveryCode", "RemoteAcceptanceLink", "RemoteSession", "Rma",
    "RoutingRule",
    "SecurityEvent",
    "ServicePoint", "SlaPolicy", "Survey", "SyncConflict", "Ticket", "TicketCounter", "TicketEvent", "User",
    "UserSession", "Visit", "WorkRecord",
]
