"""Supervisors' knowledge base: articles in Markdown (rendered safely), published or draft, with search;
the customers' request form and the desk suggest the published ones."""
from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import labels
from portal.backoffice.blueprint import bp
from portal.backoffice.knowledge_forms import ArticleForm
from portal.backoffice.stale_forms import open_on, refusal
from portal.domain.roles import SUPERVISORS
from portal.extensions import db
from portal.models import KnowledgeArticle
from portal.services import catalogue, knowledge
from portal.web.access import roles_required
from portal.web.fields import to_choices
from portal.web.forms import saved, submit
from portal.web.render import render

PAGE_SIZE = 25


@bp.get("/admin/knowledge")
@roles_required(*SUPERVISORS)
def knowledge_list():
    query = request.args.get("q", "")[:100]
    number = max(1, min(request.args.get("page", 1, type=int) or 1, 10_000))
    rows, has_next = knowledge.articles(query, number, PAGE_SIZE)
    return render("backoffice/knowledge.html", q=query, rows=rows, number=number, has_next=has_next)


def _form(article=None) -> ArticleForm:
    form = ArticleForm(obj=article)
    known = dict.fromkeys([*labels.PRODUCT_CATEGORY, *catalogue.categories()])
    form.product_categories.choices = to_choices([(c, labels.PRODUCT_CATEGORY.get(c, c)) for c in known])
    return form


def _page(form, article, status=200):
    return render("backoffice/knowledge_form.html", http_status=status, form=form, article=article)


@bp.route("/admin/knowledge/new", methods=["GET", "POST"], defaults={"article_id": None}, endpoint="article_new")
@bp.route("/admin/knowledge/<int:article_id>/edit", methods=["GET", "POST"])
@roles_required(*SUPERVISORS)
def article_edit(article_id: int | None):
    article = db.session.get(KnowledgeArticle, article_id) if article_id else None
    if article_id and article is None:
        abort(404)
    form = _form(article)
    if request.method == "GET":
        open_on(form, article, knowledge.ARTICLE_FIELDS)
        return _page(form, article)
    return submit(form, lambda f: knowledge.save_article(
        article, {name: f[name].data for name in knowledge.ARTICLE_FIELDS}, current_user, seen=f.seen.data),
        done=lambda a: saved(_("Article saved."), url_for("backoffice.article_edit", article_id=a.id)),
        again=refusal(form, lambda code: _page(form, article, code)))
