from iro_desktop.gui.search.dialog import SearchDialog

__all__ = ["SearchDialog"]
