import sys

from iro_desktop.cli import main

sys.exit(main())
