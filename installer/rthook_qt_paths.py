# Run-time hook, in place of PyInstaller's own for PySide6 (dropped in iro-desktop.spec): it tells Qt where
# the bundle's plugins are without importing Qt, so a command that opens no window does not load it (the
# PyInstaller hook's QtCore import cost 47 ms of every command). PySide6's wheel relocates Qt itself when
# QtCore is first imported (its embedded qt.conf), which is all the other hook's import was there to check.
import os
import sys

_qt = os.path.join(sys._MEIPASS, "PySide6", *([] if sys.platform.startswith("win") else ["Qt"]))
os.environ["QT_PLUGIN_PATH"] = os.path.join(_qt, "plugins")
