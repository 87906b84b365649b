# Every target bootstraps what it needs: Debian packages for Qt under X, then the virtual environment.
# Set-up already done is skipped (stamp files and dpkg checks), so repeated runs are quick.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TOOLS := .venv-tools
UV := $(TOOLS)/bin/uv
UV_SYNC := $(UV) sync --locked --quiet --no-python-downloads --python $(PYTHON)
BUILD_VENV := .venv-build
BUNDLE := dist/iro-desktop/iro-desktop
DEB_PACKAGES := xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0 \
	libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xinerama0 libegl1 libgl1 \
	libfontconfig1 libdbus-1-3 fonts-dejavu-core poppler-utils x11-apps imagemagick postgresql libenchant-2-2 xdotool \
	desktop-file-utils appstream shellcheck osslsigncode gnupg binutils shared-mime-info libglib2.0-bin
TEST_ENV := QT_QPA_PLATFORM=offscreen PYTHONHASHSEED=0

.PHONY: run test bench screenshots screenshots-themes lint setup sysdeps audit installer bundle release

setup: sysdeps $(STAMP)

sysdeps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages Qt needs: $$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq >/dev/null && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# uv installs exactly what uv.lock holds (one lock, with hashes, for every install) and checks each hash;
# uv itself comes from PyPI through pip in hash-checking mode (installer/uv-requirements.txt).
$(UV): installer/uv-requirements.txt
	@test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	@$(TOOLS)/bin/pip install -q --disable-pip-version-check --require-hashes --no-deps \
		-r installer/uv-requirements.txt 2>&1 | { grep -v 'is ignored: it is neither' || true; }
	@touch $@

$(STAMP): pyproject.toml installer/receiver/pyproject.toml uv.lock $(UV)
	@echo "Installing Python packages into $(VENV) from uv.lock (hashes checked)"
	@UV_PROJECT_ENVIRONMENT=$(VENV) $(UV_SYNC)
	@touch $(STAMP)

run: setup
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		echo "No display found: starting on a virtual screen (Xvfb). Set DISPLAY to see the window."; \
		xvfb-run -a -s "-screen 0 1280x800x24" $(VENV)/bin/iro-desktop gui --demo-if-new; \
	else $(VENV)/bin/iro-desktop gui --demo-if-new; fi

# The bundle first (built only when its sources changed), so its smoke tests run with the rest. On every core
# (pytest-xdist), a test file to a worker so a file's shared fixtures are built once; the slowest 20 tests
# are listed at the end, to see where the time goes.
test: setup $(BUNDLE)
	@$(VENV)/bin/ruff check iro_desktop tests installer
	@$(TEST_ENV) IRO_DESKTOP_BUNDLE=dist/iro-desktop $(PY) -m pytest -q -n auto --dist loadfile --durations=20

bench: setup
	@$(TEST_ENV) $(PY) -m pytest -q -s tests/benchmarks --override-ini="addopts=-p no:cacheprovider"

screenshots: setup
	@xvfb-run -a -s "-screen 0 1400x900x24" $(PY) -m tests.screenshots

# The main screens again in the dark scheme and at 150 % and 200 % scale (resources/screenshots/<mode>/).
screenshots-themes: setup
	@for mode in dark scale150 scale200; do \
		xvfb-run -a -s "-screen 0 2800x1800x24" $(PY) -m tests.screenshots $$mode || exit 1; done

lint: setup
	@$(VENV)/bin/ruff check iro_desktop tests installer

# Known vulnerabilities in the pinned dependencies (pip-audit, in its own environment). It needs a
# vulnerability service on the internet (PyPI's JSON API or OSV); where none is reachable it says so.
audit: setup
	@UV_PROJECT_ENVIRONMENT=.venv-audit $(UV_SYNC) --no-default-groups --group audit --no-install-project
	@$(UV) export --frozen --quiet --all-groups --no-emit-workspace --no-emit-project --format requirements-txt \
		> .venv-audit/requirements.txt
	@.venv-audit/bin/pip-audit --strict --progress-spinner off --require-hashes --disable-pip \
		-r .venv-audit/requirements.txt \
		|| { echo "pip-audit could not finish: see above (no vulnerability service reachable is the usual cause here)."; exit 1; }

# The Linux one-folder bundle dist/iro-desktop/, built in its own environment holding only what uv.lock
# gives the desktop app and the installer group (so nothing dev-only can get in), then its notices.
# Windows and macOS recipes (Inno Setup, app bundle, signing): installer/README.md.
$(BUILD_VENV)/.installed: pyproject.toml uv.lock $(UV)
	@echo "Installing the bundle's build environment $(BUILD_VENV) from uv.lock (hashes checked)"
	@UV_PROJECT_ENVIRONMENT=$(BUILD_VENV) $(UV_SYNC) --no-default-groups --group installer --no-editable
	@touch $@

BUNDLE_SOURCES := $(shell find iro_desktop ui resources installer -type f -not -path '*/__pycache__/*' \
	-not -path 'resources/screenshots/*' 2>/dev/null)
$(BUNDLE): $(BUILD_VENV)/.installed $(BUNDLE_SOURCES)
	@start=$$(date +%s); \
	$(BUILD_VENV)/bin/pyinstaller --noconfirm --log-level ERROR --distpath dist --workpath build/pyinstaller \
		installer/iro-desktop.spec && \
	$(BUILD_VENV)/bin/python installer/notices.py dist/iro-desktop && \
	echo "Built dist/iro-desktop/ in $$(( $$(date +%s) - start )) s: $$(du -sh dist/iro-desktop | cut -f1)"
	@touch $@

bundle: setup $(BUNDLE)

# The release files: the tarball, both wheels with their hashed requirement files, SHA256SUMS and, with
# RELEASE_KEY set to a GnuPG key, its detached signature SHA256SUMS.asc (installer/README.md: verifying).
release: setup $(BUNDLE)
	@installer/linux/make-tarball.sh
	@installer/release-files.sh

installer: release
	@$(TEST_ENV) IRO_DESKTOP_BUNDLE=dist/iro-desktop $(PY) -m pytest -q tests/installer
