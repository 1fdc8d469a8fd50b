# The two commands a newcomer needs: `make run` opens the reader, `make test` runs every test.
# Both create .venv and install what is missing first (scripts/bootstrap.sh).
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test lint bench clean bundle screenshots icons

run:
	@./scripts/bootstrap.sh
	$(PY) -m reader

test:
	@./scripts/bootstrap.sh test
	@QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	exit $$status

lint:
	@./scripts/bootstrap.sh test
	$(VENV)/bin/ruff check reader tests bench scripts packaging
	$(VENV)/bin/ruff format --check reader tests bench scripts packaging
	$(VENV)/bin/mypy

# The one-folder bundle in dist/archive-reader/ (packaging/README.md says what is in it).
bundle:
	@./scripts/bootstrap.sh bundle
	rm -rf dist/archive-reader build/pyinstaller
	@start=$$(date +%s); \
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist \
		--workpath build/pyinstaller packaging/archive-reader.spec || exit 1; \
	echo "Built in $$(( $$(date +%s) - start )) s: dist/archive-reader/archive-reader ($$(du -sh dist/archive-reader | cut -f1))"
	@QT_QPA_PLATFORM=offscreen dist/archive-reader/archive-reader --version

# The window on the sample archive, rendered offscreen into docs/screenshots/ (README, metainfo).
screenshots:
	@./scripts/bootstrap.sh test
	QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshots.py docs/screenshots

# The application icon's PNGs, from resources/icons/archive-reader.svg.
icons:
	@./scripts/bootstrap.sh
	QT_QPA_PLATFORM=offscreen $(PY) scripts/make_icons.py

clean:
	rm -rf $(VENV) .pytest_cache test-output build dist
