"""The filters of plans.figures, for templates: `{{ value|number }}`, `{{ value|figure:target }}`,
`{{ target|formula }}` and `{{ target|explain:progress.explanation }}`."""

from django import template

from plans import figures

register = template.Library()

register.filter("number", figures.number)
register.filter("figure", figures.figure)
register.filter("formula", figures.formula)
register.filter("explain", figures.explain)
