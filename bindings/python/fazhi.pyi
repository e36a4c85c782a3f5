"""Type stubs of the fazhi Python package (the Rust extension module `fazhi`)."""

import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, TypedDict, Union

__version__: str
ENGINE_VERSION: str

class Diagnostic(TypedDict):
    # The stable kind of problem (`fazhi::Code`): "syntax", "duplicate_key", "unknown_key",
    # "missing_key", "invalid_value", "over_bound", "structure", "expression", "literal",
    # "score_range", "unused", "lever", "authoring", "scenario", "too_many".
    code: str
    severity: str  # "error" | "warning"
    file: str
    line: int  # 1-based, 0 when unknown (always 0 for a dict: the message names the field)
    column: int  # 1-based, 0 when unknown
    message: str
    help: Optional[str]

County = Union[Mapping[str, Any], str, "os.PathLike[str]"]

class FazhiError(Exception):
    """Base of fazhi's errors; `str(e)` is the compiler-style text."""

    diagnostics: List[Diagnostic]

class RulesError(FazhiError): ...
class DataError(FazhiError): ...
class ScenarioError(FazhiError): ...
class InvalidRequest(FazhiError): ...

class Report:
    """One county's itemized report (points as floats, exact to a thousandth)."""

    @property
    def county_id(self) -> str: ...
    @property
    def county_name(self) -> str: ...
    @property
    def source(self) -> Optional[str]: ...
    @property
    def total(self) -> float: ...
    @property
    def max(self) -> float: ...
    @property
    def bonus(self) -> float: ...
    @property
    def penalty(self) -> float: ...
    @property
    def vetoed(self) -> bool: ...
    @property
    def coverage(self) -> float: ...
    @property
    def passed(self) -> Dict[str, bool]: ...
    @property
    def ruleset_hash(self) -> str: ...
    @property
    def data_hash(self) -> str: ...
    @property
    def items(self) -> List[Dict[str, Any]]: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def to_json(self) -> str:
        """Byte for byte what `fazhi score --format json` writes."""
    def to_markdown(self) -> str: ...

class RuleSet:
    """A compiled, immutable rule set; score from any number of threads."""

    @staticmethod
    def load_dir(path: Union[str, "os.PathLike[str]"]) -> "RuleSet": ...
    @staticmethod
    def builtin() -> "RuleSet": ...
    @staticmethod
    def from_documents(documents: Mapping[str, str]) -> "RuleSet": ...
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def hash(self) -> str: ...
    @property
    def total_points(self) -> float: ...
    @property
    def additional_points(self) -> Optional[float]: ...
    @property
    def written_out_of(self) -> Optional[float]: ...
    @property
    def fields(self) -> List[str]: ...
    def score(self, data: County) -> Report: ...
    def lint(self) -> List[Diagnostic]: ...
    def gap(self, data: County) -> Dict[str, Any]: ...

def rank(rules: RuleSet, counties: Sequence[County]) -> Dict[str, Any]: ...
def diff(
    old: RuleSet,
    new: RuleSet,
    data: Optional[Sequence[Union[str, "os.PathLike[str]"]]] = None,
) -> Dict[str, Any]: ...
def whatif(
    rules: RuleSet,
    scenario: Union[Mapping[str, Any], str, "os.PathLike[str]"],
    counties: Sequence[County],
) -> Dict[str, Any]:
    """Baseline against a weighting scenario (`fazhi whatif --format json`)."""

def audit(
    rules: RuleSet,
    counties: Sequence[County],
    scenario: Optional[Union[Mapping[str, Any], str, "os.PathLike[str]"]] = None,
) -> Dict[str, Any]:
    """The statistical audit of the indicator system on a batch (`fazhi audit --format json`):
    items (mean, shares at full and zero, correlations, flags), areas (Cronbach's alpha), the
    areas' correlation matrix, remove-one rank shifts, influence against declared share.
    Undefined figures are None."""
