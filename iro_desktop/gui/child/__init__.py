"""One child's page: who they are, their care, their reviews, decisions, wishes and challenges."""

from iro_desktop.gui.child.page import ChildPage

__all__ = ["ChildPage"]
