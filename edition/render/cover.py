"""The EPUB's cover: a PNG drawn from the edition's settings in the book face.

In: `Settings`.  Out: PNG bytes (1600 × 2400), the same for the same settings.
"""

from __future__ import annotations

import io
import textwrap

from PIL import Image, ImageDraw, ImageFont

from ..read.settings import Settings
from .fonts import book_fonts

WIDTH, HEIGHT = 1600, 2400
INK, PAPER, RULE = (28, 28, 28), (246, 241, 230), (120, 30, 30)


def cover_png(settings: Settings) -> bytes:
    fonts = book_fonts()
    upright, italic = (str(fonts[name]) for name in ("EBGaramond.ttf", "EBGaramond-Italic.ttf"))
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((80, 80, WIDTH - 80, HEIGHT - 80), outline=RULE, width=6)

    def centred(text: str, y: int, size: int, path: str, width: int) -> int:
        font = ImageFont.truetype(path, size)
        for line in textwrap.wrap(text, width):
            box = draw.textbbox((0, 0), line, font=font)
            draw.text(((WIDTH - (box[2] - box[0])) / 2, y), line, font=font, fill=INK)
            y += int(size * 1.25)
        return y

    y = centred(settings.title, 620, 150, upright, 16)
    draw.line((WIDTH / 2 - 200, y + 60, WIDTH / 2 + 200, y + 60), fill=RULE, width=4)
    y = centred(settings.subtitle, y + 140, 70, italic, 34)
    if settings.editors:
        centred("Edited by " + ", ".join(settings.editors), HEIGHT - 620, 64, upright, 40)
    if settings.publisher:
        centred(settings.publisher.upper(), HEIGHT - 330, 48, upright, 48)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False)
    return out.getvalue()
