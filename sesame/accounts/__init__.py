"""Accounts: companies and their members, roles, bearer tokens and WebSocket tickets."""
