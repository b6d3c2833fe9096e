"""The domain: tickets, workflow, calendar and policies.

Nothing here imports storage, web or analytics code; it records what happened as events.
"""
