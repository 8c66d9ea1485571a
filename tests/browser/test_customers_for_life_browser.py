"""Issue 17's "Done when", in one browser session on one database: an admin prints a label sheet; a phone opens a
label's URL, confirms the code from the outbox page and registers a request that the desk sees with model and
serial filled; a recall campaign from a list of serials creates its tickets and messages; a maintenance plan
generates its next visit; a customer earns points on a paid repair, sees them and spends them on the next bill.
Each part is its own browser test too; here they run one after the other, each on what the others left."""
import pytest

from tests.browser import test_device_label_browser as labels
from tests.browser import test_loyalty_browser as loyalty
from tests.browser import test_proactive_browser as proactive

pytestmark = pytest.mark.browser


def test_customers_for_life_end_to_end(app, phone, live_server, login_as, artifacts):
    labels.test_print_a_label_scan_it_and_register_a_request(app, phone, live_server)
    proactive.test_a_recall_from_a_list_of_serials(phone)
    proactive.test_a_maintenance_plan_generates_its_next_visit(app, phone)
    loyalty.test_points_earned_on_a_paid_repair_are_seen_and_spent_on_the_next_bill(app, phone, login_as, artifacts)
