"""STUB (helper replaces): Help > Report a problem."""


def report_problem(parent, store_path) -> None:
    pass
