"""SQLAlchemy models, one module per aggregate; importing this package registers them all."""
from portal.models.attachment import Attachment
from portal.models.customer import Contact, Customer, CustomerAddress
from portal.models.diagnosis import ChecklistTemplate, Diagnosis, Loaner
from portal.models.dispatch import Notification, RoutingRule
from portal.models.document import Acceptance, BatchJob, Document, RemoteAcceptanceLink
from portal.models.product import Asset, Part, ProductModel
from portal.models.selfservice import AccessToken, FollowUpTask, KnowledgeArticle, Quote, Survey
from portal.models.sla import SlaPolicy
from portal.models.sync import IdempotencyRecord, SyncConflict
from portal.models.ticket import Ticket, TicketCounter, TicketEvent
from portal.models.user import Department, User
from portal.models.visit import Inspection, PartUsage, Visit, WorkRecord

__all__ = [
    "AccessToken", "Acceptance", "Asset", "Attachment", "BatchJob", "ChecklistTemplate", "Contact", "Customer",
    "CustomerAddress", "Department", "Diagnosis", "Document", "FollowUpTask", "IdempotencyRecord", "Inspection",
    "KnowledgeArticle", "Loaner", "Notification", "Part", "PartUsage", "ProductModel", "Quote",
    "RemoteAcceptanceLink", "RoutingRule", "SlaPolicy", "Survey", "SyncConflict", "Ticket", "TicketCounter",
    "TicketEvent", "User", "Visit", "WorkRecord",
]
