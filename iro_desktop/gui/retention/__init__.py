"""Retention of records and handing a child over to another IRO."""
