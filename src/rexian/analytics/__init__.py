"""The supervision engine: rules over the event log, findings, risk rating, metrics and reports.

Analytics reads the event log as tables (interchange files or a database) and never imports storage or
web code. Rules are Ibis expressions so the same definitions compile to DuckDB now and to PySpark later.
"""
