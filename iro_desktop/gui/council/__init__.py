"""What the council's feed leaves for the IRO: the inbox of notices and differences, and the answer dialog."""
