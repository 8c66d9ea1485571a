"""Translatable names for the codes stored in the database."""
from flask_babel import lazy_gettext as _l

STATUS = {
    "new": _l("New"), "triaged": _l("Triaged"), "assigned": _l("Assigned"),
    "in_progress": _l("In progress"), "waiting_parts": _l("Waiting for parts"),
    "waiting_customer": _l("Waiting for customer"), "resolved": _l("Awaiting acceptance"),
    "reopened": _l("Reopened"), "closed": _l("Closed"), "cancelled": _l("Cancelled"),
}
CHANNEL = {
    "phone": _l("Phone"), "portal": _l("Online portal"), "app": _l("App"), "email": _l("E-mail"),
    "wechat": _l("WeChat"), "account_manager": _l("Account manager"), "walk_in": _l("Walk-in"),
    "label": _l("Device label (QR code)"), "proactive": _l("Proactive service (campaign or plan)"),
}
# What the desk may record at intake: a label scan registers itself.
DESK_CHANNEL = {code: name for code, name in CHANNEL.items() if code not in ("label", "proactive")}
CATEGORY = {
    "fault_repair": _l("Fault repair"), "consultation": _l("Consultation / training"),
    "complaint": _l("Complaint / escalation"), "proactive": _l("Proactive service"),
    "return": _l("Return / exchange / refund"), "appearance": _l("Appearance / accessory"),
    "other": _l("Other"),
}
PRIORITY = {
    "P1": _l("P1 urgent: respond immediately"), "P2": _l("P2 high: respond within 4 h"),
    "P3": _l("P3 medium: respond within 8 h"), "P4": _l("P4 low: respond within 24 h"),
}
# The on-site steps, named as the endpoints that record them.
STEP = {
    "on_my_way": _l("On my way"), "arrive": _l("Arrival"), "inspection": _l("Inspection"), "diagnosis": _l("Diagnosis"),
    "work": _l("Work done and parts"), "loaner": _l("Loaner unit"), "loaner_return": _l("Loaner returned"),
    "progress": _l("Update to the customer"), "wait": _l("Waiting"), "resume": _l("Work resumed"),
    "handover": _l("Hand over to acceptance"),
}
ROLE = {
    "admin": _l("Administrator"), "supervisor": _l("Supervisor"), "agent": _l("Service agent"),
    "engineer": _l("Engineer"), "backoffice": _l("Back office"), "customer": _l("Customer"),
    "manager": _l("Service manager"),
}
ACTION = {
    "triage": _l("Set category and priority"), "assign": _l("Assign engineer"),
    "arrive": _l("Record arrival"), "inspect": _l("Record inspection"), "record_work": _l("Record work done"),
    "wait_parts": _l("Wait for parts"), "wait_customer": _l("Wait for customer"), "resume": _l("Resume work"),
    "resolve": _l("Hand over to acceptance"), "accept": _l("Customer acceptance"),
    "reject": _l("Customer not satisfied"), "cancel": _l("Cancel ticket"), "diagnose": _l("Record diagnosis"),
    "loaner": _l("Loaner unit"), "update_customer": _l("Update the customer"),
    "confirm_receipt": _l("Confirm receipt"), "on_my_way": _l("On my way"),
    "confirm_serial": _l("Confirm the serial number"),
}
EVENT = {
    "created": _l("Service request registered"), "triaged": _l("Category and priority set"),
    "intake_note": _l("Customer reported again: added at intake"),
    "assigned": _l("Engineer assigned"), "arrived": _l("Engineer arrived on site"),
    "inspected": _l("Inspection recorded"), "work_recorded": _l("Work recorded"),
    "resolved": _l("Handed over to acceptance"), "accepted": _l("Accepted and signed by the customer"),
    "rejected": _l("Customer not satisfied"), "cancelled": _l("Ticket cancelled"),
    "waiting_parts": _l("Waiting for parts"), "waiting_customer": _l("Waiting for customer"),
    "resumed": _l("Work resumed"), "diagnosed": _l("Diagnosis recorded"),
    "loaner_issued": _l("Loaner unit issued"), "loaner_returned": _l("Loaner unit returned"),
    "customer_updated": _l("Progress update to the customer"), "sync_conflict": _l("Field submission in conflict"),
    "sync_conflict_resolved": _l("Conflict handled by the supervisor"),
    "work_resumed": _l("Work resumed on site"), "remote_link": _l("Signing link sent to the customer"),
    "received": _l("Receipt confirmed by the engineer"), "visit_scheduled": _l("Visit scheduled"),
    "sla_at_risk": _l("SLA at risk"), "sla_breached": _l("SLA breached"), "escalated": _l("Escalated"),
    "on_the_way": _l("Engineer on the way"), "update_due": _l("Progress update due: assignee reminded"),
    "update_overdue": _l("Progress update overdue: desk reminded"),
    "survey_invited": _l("Satisfaction survey sent"), "survey_reminded": _l("Satisfaction survey reminder sent"),
    "callback_due": _l("Call-back due: survey not answered"), "callback_done": _l("Call-back: customer answered"),
    "customer_message": _l("Message from the customer"),
    "serial_confirmed": _l("Serial number confirmed on site"),
}
CAUSE = {
    "hardware": _l("Hardware fault"), "software": _l("Software / firmware"), "operation": _l("Operation / usage"),
    "environment": _l("Environment (power, heat, water)"), "wear": _l("Wear and tear"),
    "installation": _l("Installation"), "other": _l("Other"),
}
JOB_STATE = {
    "queued": _l("waiting"), "running": _l("in progress"), "done": _l("ready"), "failed": _l("failed"),
}
SLA_STATE = {
    "ok": _l("on track"), "at_risk": _l("at risk"), "breached": _l("breached"), "paused": _l("paused"),
    "met": _l("met"),
}
SLA_TARGET = {"response": _l("First response"), "update": _l("Next update to the customer"),
              "resolution": _l("Resolution")}
SLA_STEP = {
    "start": _l("Clock started"), "priority": _l("Priority set to"), "pause": _l("Paused (waiting)"),
    "resume": _l("Resumed"), "responded": _l("First response"), "updated": _l("Customer updated"),
    "resolved": _l("Resolved"), "reopened": _l("Reopened"), "stopped": _l("Closed"),
}
PRIORITY_RULE = {
    "safety": _l("safety risk"), "core_down": _l("core function down or production stopped"),
    "impaired": _l("main function impaired"), "several_complaints": _l("several complaints"),
    "minor": _l("minor fault or how-to question"), "suggestion": _l("a suggestion"),
    "default": _l("no rule matched"), "vip": _l("VIP customer: one level up"),
    "tier": _l("customer tier: raised"),
}
# Product categories (ProductModel.category) as the dispatch suggestions name them.
PRODUCT_CATEGORY = {"display": _l("displays"), "appliance": _l("appliances"), "equipment": _l("equipment")}

# Customer actions (issue 6, act and rate): questions, quotes, signing-link requests, escalations, survey.
EVENT.update({
    "question_to_customer": _l("Question to the customer"), "customer_answered": _l("Customer answered"),
    "quote_sent": _l("Quote sent"), "quote_withdrawn": _l("Quote withdrawn"),
    "quote_approved": _l("Quote approved"), "quote_declined": _l("Quote declined"),
    "signing_link_requested": _l("Customer asked for a signing link"),
    "escalation_requested": _l("Customer asked for escalation"), "survey_submitted": _l("Customer rated the service"),
})
# The desk's own work on a ticket (issue 13).
EVENT.update({
    "note": _l("Internal note"), "resolved_remotely": _l("Resolved without a visit"),
    "transferred": _l("Transferred to another department"), "linked": _l("Linked to a related ticket"),
    "merged": _l("Merged into its original"), "merge_received": _l("A duplicate was merged into this ticket"),
    "resolution_confirmed": _l("Customer confirmed it is solved"),
    "not_resolved": _l("Customer says it is not solved"),
})
LINK = {"related": _l("related"), "duplicate": _l("duplicate merged into this one"),
        "original": _l("original this one was merged into")}
FOLLOW_UP = {"low_rating": _l("low rating"), "escalation": _l("escalation"), "complaint": _l("complaint"),
             "signing_link": _l("signing link requested"), "callback": _l("satisfaction call-back"),
             "reply": _l("customer reply to answer"), "maintenance_skipped": _l("maintenance visit skipped")}
# The customer's messages they may route (portal.domain.message_prefs.KINDS) and where to.
MESSAGE_KIND = {
    "engineer_assigned": _l("Engineer assigned"), "visit_booked": _l("Visit booked"),
    "engineer_on_the_way": _l("Engineer on the way"), "progress_update": _l("Progress updates"),
    "progress_latest": _l("Reminder of the latest progress"), "ticket_resolved": _l("Work done: please confirm"),
    "quote_waiting": _l("Quote waiting"), "ticket_closed": _l("Request closed"),
    "survey_invitation": _l("Satisfaction survey"), "survey_reminder": _l("Satisfaction survey reminder"),
}
MESSAGE_CHANNEL = {"default": _l("As I contacted you"), "sms": _l("Text message"), "email": _l("E-mail"),
                   "inbox": _l("Portal inbox only")}
# Every kind of message an admin may write the text of (portal.domain.message_texts.VARIABLES).
MESSAGE_TEXT = {
    "ticket_registered": _l("Request registered (customer)"), "engineer_assigned": _l("Engineer assigned (customer)"),
    "visit_booked": _l("Visit booked (customer)"), "engineer_on_the_way": _l("Engineer on the way (customer)"),
    "progress_update": _l("Progress update (customer)"), "progress_latest": _l("Latest progress again (customer)"),
    "ticket_resolved": _l("Work done: please confirm (customer)"), "quote_waiting": _l("Quote waiting (customer)"),
    "signing_link_sent": _l("Signing link sent (customer)"), "ticket_closed": _l("Request closed (customer)"),
    "survey_invitation": _l("Satisfaction survey (customer)"),
    "survey_reminder": _l("Satisfaction survey reminder (customer)"),
    "new_assignment": _l("New job (engineer)"), "visit_booked_staff": _l("Visit booked (engineer)"),
    "visit_moved": _l("Visit moved (customer)"), "visit_cancelled": _l("Visit cancelled (customer)"),
    "visit_moved_staff": _l("Visit moved (engineer)"), "visit_cancelled_staff": _l("Visit cancelled (engineer)"),
    "signing_link_staff": _l("Signing link sent (engineer)"), "progress_due": _l("Progress update due (assignee)"),
    "progress_overdue": _l("Progress update overdue (desk)"), "callback_due": _l("Call-back due (desk)"),
    "sla_at_risk": _l("SLA at risk (staff)"), "sla_breached": _l("SLA breached (staff)"),
}
# Seed 004's answer to the call-back and the survey.
SATISFACTION = {"satisfied": _l("Satisfied"), "basically_satisfied": _l("Basically satisfied"),
                "unsatisfied": _l("Not satisfied")}
QUOTE_STATUS = {"pending": _l("waiting for the customer"), "approved": _l("approved"), "declined": _l("declined"),
                "withdrawn": _l("withdrawn")}

# ---- Customer portal: request service and follow it (issue 6) ----
EVENT.update({
    "serial_unverified": _l("Serial number given by the customer could not be matched to their units"),
})
SERVICE_MODE = {"remote": _l("Remote help (phone or video)"), "onsite": _l("An engineer comes on site"),
                "send_in": _l("I send the unit in")}
# The status as the customer reads it.
CUSTOMER_STATUS = {
    "new": _l("Received"), "triaged": _l("Received"), "assigned": _l("Engineer assigned"),
    "in_progress": _l("Being repaired"), "waiting_parts": _l("Waiting for parts"),
    "waiting_customer": _l("Waiting for your reply"), "resolved": _l("Repaired: please confirm"),
    "reopened": _l("Reopened: we are on it again"), "closed": _l("Closed"), "cancelled": _l("Cancelled"),
}
# The customer's timeline in plain words; customer-visible events of other kinds fall back to EVENT.
CUSTOMER_EVENT = {
    "created": _l("We received your request"), "assigned": _l("An engineer was assigned"),
    "arrived": _l("The engineer arrived"), "waiting_parts": _l("Waiting for parts"),
    "waiting_customer": _l("Waiting for your reply"), "resumed": _l("Work resumed"),
    "work_resumed": _l("Work resumed"), "customer_updated": _l("Progress update"),
    "work_recorded": _l("Repair work done"), "resolved": _l("Repair finished: please check and confirm"),
    "accepted": _l("You confirmed the repair: closed"), "rejected": _l("You reported it is not fixed yet"),
    "cancelled": _l("Request cancelled"), "loaner_issued": _l("Loaner unit lent to you"),
    "loaner_returned": _l("Loaner unit returned"), "on_the_way": _l("The engineer is on the way"),
}
SECURITY_EVENT = {
    "sign_in": _l("Sign-in succeeded"), "sign_in_failed": _l("Sign-in failed"), "account_locked": _l("Account locked"),
    "address_blocked": _l("Address blocked"), "sign_out": _l("Signed out"), "link_used": _l("Sign-in link used"),
    "two_factor_enabled": _l("Two-factor sign-in turned on"),
    "two_factor_disabled": _l("Two-factor sign-in turned off"),
    "recovery_codes_renewed": _l("New recovery codes"), "password_changed": _l("Password changed"),
    "role_changed": _l("Role changed"), "account_disabled": _l("Account disabled"),
    "account_enabled": _l("Account enabled"), "sla_policies_changed": _l("SLA policies changed"),
    "routing_rules_changed": _l("Routing rules changed"), "data_downloaded": _l("Customer data downloaded"),
    "master_data_changed": _l("Master data changed"), "message_preferences_changed": _l("Message preferences changed"),
    "message_text_changed": _l("Message text changed"),
    "provider_template_changed": _l("Provider template changed"),
    "task_retried": _l("Failed task retried"), "task_dropped": _l("Failed task dropped"),
}

# Background tasks (portal.tasks), by kind and state.
TASK_KIND = {"print_batch": _l("Batch of service reports"), "deliver_message": _l("Message delivery")}
TASK_STATE = {"pending": _l("waiting"), "running": _l("running"), "failed": _l("failed"), "done": _l("done"),
              "dropped": _l("dropped")}

# The money of a repair (portal.domain.pricing).
LINE_KIND = {"labour": _l("Labour"), "travel": _l("Travel"),
             "part": _l("Parts"), "callout": _l("Call-out"), "depot": _l("Depot handling"),
             "points": _l("Loyalty points discount")}
CONTRACT_SCOPE = {"all": _l("All the customer's units"), "list": _l("A list of serial numbers"),
                  "models": _l("Units of chosen models")}
PAYER = {"sanbao": _l("三包 (statutory)"), "warranty": _l("Warranty"), "contract": _l("Service contract"),
         "goodwill": _l("Goodwill"), "customer": _l("Customer")}
BILL_REASON = {
    "sanbao": _l("Covered: 三包 entitlement"), "warranty": _l("Covered: in warranty"),
    "part_warranty": _l("Covered: the replaced part is still under its own warranty"),
    "contract": _l("Covered: service contract"), "goodwill": _l("Waived as goodwill"),
    "out_of_warranty": _l("Charged: out of warranty"), "chargeable_part": _l("Charged: part not covered"),
    "misuse": _l("Charged: damage from use or environment is not covered"),
    "contract_excludes": _l("Charged: not covered by the contract"),
    "allowance_used": _l("Charged: the contract's visits for the year are used up"),
    "points": _l("Paid with loyalty points"),
}
PAYMENT_METHOD = {"cash": _l("Cash"), "transfer": _l("Bank transfer"), "wechat": _l("WeChat Pay"),
                  "alipay": _l("Alipay"), "account": _l("On account (contract)")}
BILL_STATUS = {"draft": _l("open"), "signed": _l("signed")}
INVOICE_KIND = {"ordinary": _l("Ordinary VAT invoice (普通发票)"), "special": _l("Special VAT invoice (专用发票)")}
INVOICE_TITLE_KIND = {"person": _l("Person"), "company": _l("Company")}
INVOICE_STATUS = {"pending": _l("requested"), "issued": _l("issued")}
EVENT.update({
    "bill_corrected": _l("Labour on the bill corrected"), "payment_recorded": _l("Payment recorded"),
    "invoice_requested": _l("Invoice requested"), "invoice_issued": _l("Invoice issued"),
})
LABOUR_GRADE = {"standard": _l("standard rate"), "senior": _l("senior rate")}
BILL_PROBLEM = {
    "no_price_list": _l("No price list is valid on %(detail)s."),
    "no_labour_rate": _l("The price list has no labour rate for %(detail)s."),
    "no_zone": _l("Type the distance in km for the call-out fee: the address is in no priced district."),
}
EVENT.update({"goodwill_granted": _l("Bill line waived as goodwill")})
EVENT.update({"bill_points": _l("Loyalty points chosen for the bill")})
EVENT.update({"meter_read": _l("Meter read at the visit")})
# ---- Service modes and 三包 (issue 14) ----
ENTITLEMENT_DECISION = {"return": _l("Return and refund"), "exchange": _l("Exchange"), "repair": _l("Free repair"),
                        "paid_repair": _l("Paid repair")}
EVENT.update({"entitlement_decided": _l("三包 decision recorded")})
CUSTOMER_EVENT.update({"entitlement_decided": _l("三包 decision recorded")})
MODE = {"remote": _l("Remote"), "onsite": _l("On site"), "depot": _l("Depot (send-in or walk-in)")}
MODE_WHY = {"return_needs_unit": _l("a return needs the unit back"),
            "accessory_by_post": _l("accessories go by post"),
            "advice_remote": _l("advice is given remotely"), "customer_asked": _l("the customer asked for it"),
            "default": _l("a fault is repaired on site unless the customer asks otherwise")}
ACTION.update({"change_mode": _l("Change the service mode"), "log_remote": _l("Log a call or remote session"),
               "resolve_without_visit": _l("Resolve without a visit"),
               "confirm_resolution": _l("Confirm it is solved"), "not_resolved": _l("Not solved"),
               "auto_close": _l("Close without an answer"), "reopen": _l("Reopen"),
               "receive_unit": _l("Receive the unit in the workshop"), "hand_over": _l("Hand the unit over"),
               "decide_entitlement": _l("Record the 三包 decision")})
EVENT.update({"mode_set": _l("Service mode set")})
# The customer's timeline in the words of the ticket's mode: (mode, event kind) first, then CUSTOMER_EVENT.
CUSTOMER_EVENT_BY_MODE = {
    ("remote", "mode_set"): _l("We will help you remotely, by phone or video"),
    ("onsite", "mode_set"): _l("An engineer will come to you"),
    ("depot", "mode_set"): _l("Your unit is repaired in our workshop: send it in or bring it to a service point"),
    ("remote", "assigned"): _l("A support engineer takes care of your request"),
    ("depot", "assigned"): _l("A workshop engineer takes care of your unit"),
    ("remote", "resolved_remotely"): _l("Fixed remotely: please confirm it works"),
    ("depot", "resolved"): _l("Repaired in the workshop: please check it and confirm"),
    ("depot", "work_recorded"): _l("Repair work done in the workshop"),
}
REMOTE_KIND = {"call": _l("Phone call"), "session": _l("Remote session")}
REMOTE_RESULT = {"fixed": _l("fixed"), "partly": _l("partly fixed"), "not_fixed": _l("not fixed"),
                 "no_answer": _l("no answer")}
EVENT.update({"remote_session": _l("Call or remote session"),
              "auto_closed": _l("Closed: the customer did not answer within the confirmation period"),
              "customer_reopened": _l("Customer reopened it after closing")})
CUSTOMER_EVENT.update({"remote_session": _l("We helped you remotely"),
                       "resolution_confirmed": _l("You confirmed it works: closed"),
                       "auto_closed": _l("Closed: we did not hear that it still fails"),
                       "customer_reopened": _l("You reopened the request")})
PARCEL_METHOD = {"parcel": _l("Parcel (carrier and tracking number)"), "service_point": _l("At a service point")}
PARCEL_DIRECTION = {"in": _l("To the workshop"), "out": _l("Back to the customer")}
EVENT.update({"parcel_in": _l("Unit on its way to the workshop"), "unit_received": _l("Unit received at the workshop"),
              "serial_mismatch": _l("Serial number on the unit does not match the ticket"),
              "parcel_sent": _l("Unit sent back"), "pickup_ready": _l("Unit ready for pick-up"),
              "picked_up": _l("Unit picked up with the customer's code")})
CUSTOMER_EVENT.update({"parcel_in": _l("Your unit is on its way to us"),
                       "unit_received": _l("Your unit arrived at our workshop"),
                       "parcel_sent": _l("Your unit is on its way back to you"),
                       "pickup_ready": _l("Your unit is ready for pick-up"),
                       "picked_up": _l("You picked your unit up")})
RMA_KIND = {"return": _l("Return and refund"), "exchange": _l("Exchange")}
RMA_STATUS = {"requested": _l("waiting for a supervisor's approval"), "approved": _l("approved: waiting for the unit"),
              "received": _l("unit received back"), "completed": _l("completed")}
EVENT.update({"rma_requested": _l("Return or exchange requested (RMA)"), "rma_approved": _l("RMA approved"),
              "rma_received": _l("Unit received back (RMA)"), "rma_completed": _l("Return or exchange completed")})
# Visits moved, cancelled and booked by customers (issue 13).
EVENT.update({"visit_moved": _l("Visit moved"), "visit_cancelled": _l("Visit cancelled"),
              "visit_time_requested": _l("Customer asked for another visit time")})
CUSTOMER_EVENT.update({"visit_scheduled": _l("Visit booked"), "visit_moved": _l("Visit moved"),
                       "visit_cancelled": _l("Visit cancelled"),
                       "visit_time_requested": _l("You asked for another visit time")})
