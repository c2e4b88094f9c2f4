"""Builders of test data, one module per feature, shared by the unit and the browser tests.

Rows are made through the features' services (factory_boy factories whose create() calls the
service, or plain functions for scenes of several rows), so the data obeys the same rules as
data a user enters. Call them inside an app context; they flush, and the caller commits.
"""
