"""Pages of the analyst's workbench (one module per page group)."""
