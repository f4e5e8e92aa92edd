"""Writes for the projects app, one module per kind of thing: projects (with units, group and
milestones), indicators, activities, plans, and visits with meetings. Every write checks who
may make it, validates with full_clean() and runs in one transaction."""
