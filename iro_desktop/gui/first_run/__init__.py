"""The first-run set-up wizard, shown when there is no store yet."""
