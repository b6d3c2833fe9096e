"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): international civic tools talk to a
Rexian centre. `georeport` answers the five endpoints as plain data; `wsgi` serves them as JSON or XML."""
