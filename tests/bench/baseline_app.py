"""The yardstick for the desk benchmarks: a bare Flask page that runs one indexed query on the same database
and renders a small template. Served by gunicorn exactly like the portal.

`/t/<id>` reads one ticket by its key; `/queue` reads the first 25 open tickets in SLA order (the queue's own
index) and renders them as rows: the "bare Flask floor" every page is measured against."""
import os

from flask import Flask, render_template_string
from sqlalchemy import create_engine, text

app = Flask(__name__)
engine = create_engine(os.environ["DATABASE_URL"])
PAGE = "<!doctype html><title>{{ row.number }}</title><h1>{{ row.number }}</h1><p>{{ row.status }}</p>"
ROWS = """<!doctype html><title>Tickets</title><table>{% for r in rows %}
<tr><td><a href="/t/{{ r.id }}">{{ r.number }}</a></td><td>{{ r.priority }}</td><td>{{ r.status }}</td>
<td>{{ r.sla_state }}</td><td>{{ r.sla_due_at }}</td></tr>{% endfor %}</table>"""
FIRST_OPEN = text("SELECT id, number, priority, status, sla_state, sla_due_at FROM ticket WHERE status IN "
                  "('assigned', 'in_progress', 'new', 'reopened', 'resolved', 'triaged', 'waiting_customer', "
                  "'waiting_parts') ORDER BY sla_sort_at, id LIMIT 25")


@app.get("/t/<int:ticket_id>")
def ticket(ticket_id: int):
    with engine.connect() as conn:
        row = conn.execute(text("SELECT number, status FROM ticket WHERE id = :id"), {"id": ticket_id}).one()
    return render_template_string(PAGE, row=row)


@app.get("/queue")
def queue():
    with engine.connect() as conn:
        rows = conn.execute(FIRST_OPEN).all()
    return render_template_string(ROWS, rows=rows)
