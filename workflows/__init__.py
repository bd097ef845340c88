"""The domain: lifecycle, deadlines, escalation, inspections, and the Prefect flows."""
