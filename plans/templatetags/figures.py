"""The filters of plans.figures, for templates: `{{ value|number }}`, `{{ value|figure:target }}`,
`{{ target|formula }}`, `{{ target|explain:progress.explanation }}` and, for an every-year
target, `{{ progress.explanation|year_strip }}` and `{{ progress.explanation|years_summary }}`."""

from django import template

from plans import figures

register = template.Library()

register.filter("number", figures.number)
register.filter("figure", figures.figure)
register.filter("formula", figures.formula)
register.filter("explain", figures.explain)
register.filter("year_strip", figures.year_strip)
register.filter("years_summary", figures.years_summary)
register.filter("amount", figures.amount)
register.filter("projection", figures.projection)
