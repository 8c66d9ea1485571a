"""The knowledge article form."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.web.fields import strip, to_choices


class ArticleForm(FlaskForm):
    seen = HiddenField()  # the record's fingerprint when the form was opened
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(min=4, max=200)])
    body = TextAreaField(_l("Answer (Markdown)"), filters=[strip], validators=[DataRequired(), Length(max=20000)],
                         description=_l("**bold**, lists with -, numbered steps with 1., links [text](https://…)"))
    product_category = SelectField(_l("Product category"), validators=[Optional()],
                                   description=_l("Empty: offered for every product"))
    keywords = StringField(_l("Keywords"), filters=[strip], validators=[Optional(), Length(max=500)],
                           description=_l("Words customers use for the problem, separated by spaces: 黑屏 不开机"))
    locale = SelectField(_l("Language"), choices=to_choices([("zh_CN", "中文"), ("en", "English")]),
                         default="zh_CN")
    published = BooleanField(_l("Published (customers and agents see it)"))
