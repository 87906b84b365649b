"""Loading the caseload from the council's SSDA903 data, and giving reviews back in that format."""
