import sys

from iro_desktop.cli import main

# The bundle's launchers (desktop entry, Start menu, macOS app) may start it with no arguments: open the app.
argv = sys.argv[1:] or (["gui"] if getattr(sys, "frozen", False) else None)
sys.exit(main(argv))
