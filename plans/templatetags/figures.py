"""The filters of plans.figures, for templates: `{{ value|number }}`, `{{ value|figure:target }}`
and `{{ target|formula }}`."""

from django import template

from plans import figures

register = template.Library()

register.filter("number", figures.number)
register.filter("figure", figures.figure)
register.filter("formula", figures.formula)
