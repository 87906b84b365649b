"""The Qt front end. The only package that imports PySide6; it calls iro_desktop.services."""
