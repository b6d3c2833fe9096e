"""The web application: sign-in, roles and unit scope, every role's workspace, the REST API (docs/web.md)."""
