"""coop_tracker.lib.forms.PlainSelect: the drop-down every filter form draws, written in Python,
says what Django's Select says: the same options, values, labels, groups and selection."""

from html.parser import HTMLParser

import pytest
from django import forms
from django.utils.safestring import mark_safe

from coop_tracker.lib.forms import PlainSelect


class Options(HTMLParser):
    """The select's attributes and, in order, each option's group, value, label and selection."""

    def __init__(self, html):
        super().__init__(convert_charrefs=False)
        self.select, self.options, self.group = None, [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self.select = attrs
        elif tag == "optgroup":
            self.group = attrs["label"]
        elif tag == "option":
            self.options.append([self.group, attrs["value"], "", "selected" in attrs])

    def handle_endtag(self, tag):
        if tag == "optgroup":
            self.group = None

    def handle_data(self, data):
        if self.options and self.lasttag == "option":
            self.options[-1][2] += data.strip()

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")


CHOICES = [
    ("", "Tất cả"),
    (None, "Không có"),
    ("htx", 'Hợp tác xã <HTX> & "liên hiệp"'),
    ("a&b", mark_safe("<b>đậm</b>")),
    ("Nhóm <1>", [("1", "Một"), (2, "Hai")]),
    ("tht", "Tổ hợp tác"),
]


@pytest.mark.parametrize("value", [None, "", "htx", "2", 2, "a&b", "tht", "không có", ["htx"]])
def test_it_draws_the_options_django_draws(value):
    attrs = {"id": "id_kind", "class": "form-select form-select-sm", "required": True}
    ours = Options(PlainSelect(choices=CHOICES).render("kind", value, attrs))
    django = Options(forms.Select(choices=CHOICES).render("kind", value, attrs))
    assert ours.options == django.options and ours.select == django.select
    assert sum(selected for *_rest, selected in ours.options) == (value not in ("không có",))
