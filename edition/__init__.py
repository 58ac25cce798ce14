"""A build pipeline for critical editions: TEI sources -> one model -> checks -> PDF and EPUB 3.

Stages, one folder each: read/ (settings.py, tei.py; reader.py builds the model, model/records.py),
model/ links names, citations and events, check/ checks it, render/html.py maps TEI elements to
HTML once, and write/ turns the model into outputs (print_html -> makeup -> pdf, epub).  cli.py
and pipeline.py tie them together.
"""
