"""Help: the guide, About (with licences) and Report a problem."""
