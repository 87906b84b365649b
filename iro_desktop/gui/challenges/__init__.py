"""Challenges: every open concern across the caseload, a concern's dialog, the summary and the DRP ladder."""

from iro_desktop.gui.challenges.dialog import ChallengeDialog
from iro_desktop.gui.challenges.ladder import DrpLadderDialog
from iro_desktop.gui.challenges.summary import ChallengeSummary
from iro_desktop.gui.challenges.view import ChallengesView

__all__ = ["ChallengeDialog", "ChallengeSummary", "ChallengesView", "DrpLadderDialog"]
