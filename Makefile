# The two commands a newcomer needs: `make run` opens the reader, `make test` runs every test.
# Both create .venv and install what is missing first (scripts/bootstrap.sh).
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test lint bench clean

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
	$(VENV)/bin/ruff check reader tests bench
	$(VENV)/bin/ruff format --check reader tests bench
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) .pytest_cache test-output
