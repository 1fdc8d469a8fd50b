"""Package layout for setuptools; the project metadata is in pyproject.toml.

The sample archive and other data live in the top-level ``resources/`` folder of the checkout.
Mapping that folder to the package ``reader.resources`` ships it inside the package, with
setuptools' own package-data machinery: a wheel installs it as ``site-packages/reader/resources/``
and the sdist carries ``resources/``.  ``reader.paths.resources_dir()`` finds it there, or beside
the package in a checkout or an editable install.  pyproject.toml cannot say this: its
``packages.find`` cannot add a package mapped from another folder.

Each folder under ``resources/`` becomes a data-only package (setuptools wants them listed); a
folder whose name contains a dot would be skipped, so don't.  tests/unit/test_packaging.py checks
that every file under ``resources/`` lands in the wheel.
"""

from setuptools import find_namespace_packages, setup

DATA_PACKAGES = [
    "reader.resources",
    *(f"reader.resources.{name}" for name in find_namespace_packages(where="resources")),
]

setup(
    packages=[*find_namespace_packages(include=["reader", "reader.*"]), *DATA_PACKAGES],
    package_dir={"reader.resources": "resources"},
    package_data={name: ["*"] for name in DATA_PACKAGES},
)
