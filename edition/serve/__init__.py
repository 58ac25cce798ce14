"""`build.py watch`: a live preview for editors, rebuilt on every save of the sources.

watch.py watches the edition directory and the templates and rebuilds the preview HTML (check and
render, no layout); preview.py serves it on 127.0.0.1 with the problems of the last save, the
source files and the PDF; relayout.py lays the PDF out again in the background after each good save.
"""
