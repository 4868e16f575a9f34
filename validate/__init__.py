"""Validator of the Bukele–CECOT reference data package.

`python -m validate [PATH]` runs every check (see `validate.checks.CHECKS`) and exits
0 when the package is valid, 1 when it is invalid, 2 when it could not run.
"""

from .errors import CannotRun, Error
from .runner import Result, run

__version__ = "0.1.0"
__all__ = ["CannotRun", "Error", "Result", "__version__", "run"]
