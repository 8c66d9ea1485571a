"""SQLAlchemy models, one module per aggregate; importing this package registers them all."""
from portal.models.acceptance import Acceptance, RemoteAcceptanceLink, ResolutionLink
from portal.models.access_token import AccessToken
from portal.models.attachment import Attachment
from portal.models.batch import BatchJob
from portal.models.billing import Bill, BillLine, InvoiceRequest, Payment, PriceList, ServiceContract
from portal.models.checklist import ChecklistTemplate
from portal.models.customer import Contact, Customer, CustomerAddress
from portal.models.document import Document
from portal.models.fieldwork import Diagnosis, Inspection, Loaner, PartUsage, Visit, WorkRecord
from portal.models.follow_up import FollowUpTask, Survey
from portal.models.idempotency import IdempotencyRecord
from portal.models.import_run import ImportRun
from portal.models.inbox import (
    ContactPreference,
    InboundMail,
    InboxItem,
    MessagePreference,
    MessageText,
    ProviderTemplate,
    WechatLink,
)
from portal.models.knowledge import KnowledgeArticle, KnowledgeArticleCategory
from portal.models.label import PhoneCheck
from portal.models.mail import OutgoingMail
from portal.models.notification import Notification, OutboxMessage
from portal.models.points import MemberDay, PointsAllocation, PointsEntry, Redemption, Reward
from portal.models.proactive import (
    Campaign,
    CampaignUnit,
    ConsentEvent,
    MaintenancePlan,
    MeterReading,
    PlannedVisit,
    WarrantyNotice,
)
from portal.models.product import Asset, Part, ProductModel
from portal.models.quote import Quote
from portal.models.recovery_code import RecoveryCode
from portal.models.routing import RoutingRule
from portal.models.security_event import SecurityEvent
from portal.models.service_mode import DepotReceipt, EntitlementDecision, Parcel, RemoteSession, Rma
from portal.models.service_point import ServicePoint
from portal.models.sla import SlaPolicy
from portal.models.stats import (
    DefectFlag,
    MonthlyReport,
    ReportSubscriber,
    StatsDay,
    StatsStaleDay,
    TicketFact,
)
from portal.models.sync_conflict import SyncConflict
from portal.models.task import QueuedTask
from portal.models.ticket import Ticket, TicketCounter, TicketEvent
from portal.models.ticket_link import TicketLink
from portal.models.tier import CustomerCheckIn, CustomerTier
from portal.models.user import Department, User
from portal.models.user_session import UserSession
from portal.models.visit_request import VisitRequest

__all__ = [
    "Acceptance", "AccessToken", "Asset", "Attachment", "BatchJob", "Bill", "BillLine", "Campaign",
    "CampaignUnit", "ChecklistTemplate", "ConsentEvent", "Contact", "ContactPreference", "Customer",
    "CustomerAddress", "CustomerCheckIn", "CustomerTier", "DefectFlag", "Department", "DepotReceipt", "Diagnosis",
    "Document", "EntitlementDecision", "FollowUpTask", "IdempotencyRecord", "ImportRun", "InboundMail",
    "InboxItem", "Inspection", "InvoiceRequest", "KnowledgeArticle", "KnowledgeArticleCategory", "Loaner",
    "MaintenancePlan", "MemberDay", "MessagePreference", "MessageText", "MeterReading", "MonthlyReport",
    "Notification", "OutboxMessage", "OutgoingMail", "Parcel", "Part", "PartUsage", "Payment", "PhoneCheck",
    "PlannedVisit", "PointsAllocation", "PointsEntry", "PriceList", "ProductModel", "ProviderTemplate",
    "QueuedTask", "Quote", "RecoveryCode", "Redemption", "RemoteAcceptanceLink", "RemoteSession", "ResolutionLink",
    "ReportSubscriber", "Reward", "Rma", "RoutingRule", "SecurityEvent", "ServiceContract", "ServicePoint",
    "SlaPolicy", "StatsDay", "StatsStaleDay", "Survey", "SyncConflict", "Ticket", "TicketCounter", "TicketEvent",
    "TicketFact", "TicketLink", "User", "UserSession", "Visit", "VisitRequest", "WarrantyNotice", "WechatLink",
    "WorkRecord",
]
