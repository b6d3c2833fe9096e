"""The service layer: units of work and the handlers that run commands against storage."""
