"""Notifications: what a person is told (in the app, and by e-mail where the sender mails too).

Just above the ground floor: any room may notify; this room imports only accounts and units.
"""
