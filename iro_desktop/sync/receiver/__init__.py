"""The council's receiver: enrols IRO device keys, verifies signed records, keeps them, signs receipts."""

from iro_desktop.sync.receiver.app import create_app

__all__ = ["create_app"]
