# Every target bootstraps what it needs: Debian packages for Qt under X, then the virtual environment.
# Set-up already done is skipped (stamp files and dpkg checks), so repeated runs are quick.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEB_PACKAGES := xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0 \
	libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xinerama0 libegl1 libgl1 \
	libfontconfig1 libdbus-1-3 fonts-dejavu-core poppler-utils x11-apps imagemagick postgresql libenchant-2-2 xdotool
TEST_ENV := QT_QPA_PLATFORM=offscreen PYTHONHASHSEED=0

.PHONY: run test bench screenshots screenshots-themes lint setup sysdeps audit installer

setup: sysdeps $(STAMP)

sysdeps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages Qt needs: $$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq >/dev/null && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing Python packages into $(VENV)"
	@$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]' 2>&1 | { grep -v 'is ignored: it is neither' || true; }
	@touch $(STAMP)

run: setup
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		echo "No display found: starting on a virtual screen (Xvfb). Set DISPLAY to see the window."; \
		xvfb-run -a -s "-screen 0 1280x800x24" $(VENV)/bin/iro-desktop gui --demo-if-new; \
	else $(VENV)/bin/iro-desktop gui --demo-if-new; fi

# On every core (pytest-xdist), a test file to a worker so a file's shared fixtures are built once; the
# slowest 20 tests are listed at the end, to see where the time goes.
test: setup
	@$(VENV)/bin/ruff check iro_desktop tests
	@$(TEST_ENV) $(PY) -m pytest -q -n auto --dist loadfile --durations=20

bench: setup
	@$(TEST_ENV) $(PY) -m pytest -q -s tests/benchmarks --override-ini="addopts=-p no:cacheprovider"

screenshots: setup
	@xvfb-run -a -s "-screen 0 1400x900x24" $(PY) -m tests.screenshots

# The main screens again in the dark scheme and at 150 % and 200 % scale (resources/screenshots/<mode>/).
screenshots-themes: setup
	@for mode in dark scale150 scale200; do \
		xvfb-run -a -s "-screen 0 2800x1800x24" $(PY) -m tests.screenshots $$mode || exit 1; done

lint: setup
	@$(VENV)/bin/ruff check iro_desktop tests

# Known vulnerabilities in the pinned dependencies (pip-audit, in its own environment). It needs a
# vulnerability service on the internet (PyPI's JSON API or OSV); where none is reachable it says so.
audit: setup
	@test -x .venv-audit/bin/pip-audit || { $(PYTHON) -m venv .venv-audit && .venv-audit/bin/pip install -q pip-audit; }
	@$(PY) -m pip freeze --exclude-editable --disable-pip-version-check > .venv-audit/requirements.txt
	@.venv-audit/bin/pip-audit --strict --progress-spinner off -r .venv-audit/requirements.txt \
		|| { echo "pip-audit could not finish: see above (no vulnerability service reachable is the usual cause here)."; exit 1; }

# The Linux one-folder bundle dist/iro-desktop/ and its tarball, then the smoke test of the built binary.
# Windows and macOS recipes (Inno Setup, app bundle, signing): installer/README.md.
$(VENV)/.installer: pyproject.toml $(STAMP)
	@$(PY) -m pip install -q --disable-pip-version-check -e '.[installer]' 2>&1 | { grep -v 'is ignored: it is neither' || true; }
	@touch $@

installer: setup $(VENV)/.installer
	@start=$$(date +%s); \
	$(VENV)/bin/pyinstaller --noconfirm --log-level ERROR --distpath dist --workpath build/pyinstaller \
		installer/iro-desktop.spec && \
	echo "Built dist/iro-desktop/ in $$(( $$(date +%s) - start )) s: $$(du -sh dist/iro-desktop | cut -f1)"
	@installer/linux/make-tarball.sh
	@$(TEST_ENV) $(PY) -m pytest -q tests/installer/test_bundle.py
