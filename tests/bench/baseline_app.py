"""The yardstick for the desk benchmark: a bare Flask page that runs one indexed query on the same
database and renders a small template. Served by gunicorn exactly like the portal."""
import os

from flask import Flask, render_template_string
from sqlalchemy import create_engine, text

app = Flask(__name__)
engine = create_engine(os.environ["DATABASE_URL"])
PAGE = "<!doctype html><title>{{ row.number }}</title><h1>{{ row.number }}</h1><p>{{ row.status }}</p>"


@app.get("/t/<int:ticket_id>")
def ticket(ticket_id: int):
    with engine.connect() as conn:
        row = conn.execute(text("SELECT number, status FROM ticket WHERE id = :id"), {"id": ticket_id}).one()
    return render_template_string(PAGE, row=row)
