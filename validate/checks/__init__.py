"""The registry of checks, in the order they run and are listed.

Each check is a module with an `ID`, a one-line `SUMMARY`, a docstring giving the rule
with a passing and a failing example, and `check(package)`, a generator of Errors.
"""

from __future__ import annotations

from types import ModuleType

from . import (
    anchors,
    attribution,
    canonical_form,
    cell_references,
    claim_sourcing,
    coverage,
    created_by,
    descriptor_frictionless,
    descriptor_profile,
    quantity_values,
    record_anchors,
    release,
    reserved_words,
    resource_files,
    row_consistency,
    schema_profile,
    snapshots,
    source_chain,
    table_constraints,
    table_frictionless,
    usage,
)

CHECKS: dict[str, ModuleType] = {
    module.ID: module
    for module in (
        descriptor_profile,
        descriptor_frictionless,
        schema_profile,
        reserved_words,
        resource_files,
        table_frictionless,
        table_constraints,
        canonical_form,
        row_consistency,
        snapshots,
        anchors,
        record_anchors,
        attribution,
        created_by,
        quantity_values,
        usage,
        source_chain,
        claim_sourcing,
        cell_references,
        coverage,
        release,
    )
}
