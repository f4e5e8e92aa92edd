"""Pages of the projects app: projects and indicators, activities, plans, and the consortium's
overview, visits and meetings. Views are thin: form → service → redirect, or selector →
template."""
