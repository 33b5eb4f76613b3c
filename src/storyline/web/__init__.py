"""Web UI and JSON API (`storyline serve`)."""
