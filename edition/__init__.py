"""A build pipeline for critical editions: TEI sources -> one model -> checks -> PDF and EPUB 3.

Stages, one module each: settings.py and tei.py read, reader.py builds the model (model.py),
checks.py checks it, html.py maps TEI elements to HTML once, and writers/ turn the model into
outputs (print_html -> pdf, epub).  cli.py and pipeline.py tie them together.
"""
