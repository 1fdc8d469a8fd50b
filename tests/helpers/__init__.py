"""Code the tests share that is not a fixture: the generated archive (``dumpgen``).

``pyproject.toml`` puts ``tests/`` on ``sys.path`` (``pythonpath``), so test modules import it
as ``from helpers import dumpgen`` (conftest modules cannot be imported under
``--import-mode=importlib``).
"""
