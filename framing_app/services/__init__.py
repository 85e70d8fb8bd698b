"""The use cases a user names; each is one all-or-nothing transaction."""
