"""The knowledge article form."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.web.fields import strip, to_choices


class ArticleForm(FlaskForm):
    seen = HiddenField()  # the record's fingerprint when the form was opened
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(min=4, max=200)])
    body = TextAreaField(_l("Answer (Markdown)"), filters=[strip], validators=[DataRequired(), Length(max=20000)],
                         description=_l("**bold**, lists with -, numbered steps with 1., links [text](https://…)"))
    product_categories = SelectMultipleField(_l("Product categories"), widget=ListWidget(prefix_label=False),
                                             option_widget=CheckboxInput(), validate_choice=False,
                                             description=_l("None ticked: offered for every product"))
    keywords = StringField(_l("Keywords"), filters=[strip], validators=[Optional(), Length(max=500)],
                           description=_l("Words customers use for the problem, separated by spaces: 黑屏 不开机"))
    locale = SelectField(_l("Language"), choices=to_choices([("zh_CN", "中文"), ("en", "English")]),
                         default="zh_CN")
    published = BooleanField(_l("Published (customers and agents see it)"))
