"""Screens for the store's safety: audit trail, passphrase, recovery key, automatic backups."""
