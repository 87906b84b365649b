"""Data exchange with the council's systems: the SSDA903 return (children looked after)."""
