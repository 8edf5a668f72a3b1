"""Policy packs shipped with synthgate (a package so that editable installs can find them)."""
