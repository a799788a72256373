"""Workforce management: forecast contact volume, compute staffing, simulate, plan shifts."""
