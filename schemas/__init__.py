"""JSON Schemas generated from the models (a package so that editable installs can find them)."""
