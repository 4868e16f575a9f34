"""Versions a researcher can cite: compare two versions, decide the bump, build the release bundle."""
