"""Helpers the apps share: form widgets and fields, filter sets, the base of every table, the
formula-safe cells of every export, the admin of computed rows, and the history of a record as
people read it.

A plain package, not an app, and it imports none (tests/test_architecture.py checks it), so every
app may use it without the apps' dependencies running in a circle.
"""
