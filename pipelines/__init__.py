"""yusuan: Chinese county department budget disclosures (部门预算公开) into a DuckDB warehouse."""

__version__ = "0.1.0"
