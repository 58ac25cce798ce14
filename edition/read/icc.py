"""ICC profiles: what a profile's header and description say.

In: the bytes of an ICC profile.  Out: a `Profile` (device class, colour space, description), or
None when the bytes are not an ICC profile.  Validates `print.output-profile`, tells WeasyPrint the
profile's channels, describes the press PDF's output intent and lets the preflight check it.
"""

from __future__ import annotations

import dataclasses

CHANNELS = {"CMYK": ("c", "m", "y", "k"), "GRAY": ("gray",), "RGB": ("r", "g", "b")}
PRINT_SPACES = ("CMYK", "GRAY")  # what a press PDF's output intent may be


@dataclasses.dataclass(frozen=True)
class Profile:
    device_class: str  # 'prtr' for an output (printing) condition, 'mntr' for a display, ...
    space: str  # the device colour space: 'CMYK', 'GRAY', 'RGB', ...
    description: str

    @property
    def channels(self) -> tuple[str, ...]:
        return CHANNELS.get(self.space, ())

    @property
    def for_print(self) -> bool:
        return self.device_class == "prtr" and self.space in PRINT_SPACES


def read(data: bytes) -> Profile | None:
    """The header and description of an ICC profile (v2 or v4); None if `data` is not one."""
    if len(data) < 132 or data[36:40] != b"acsp":
        return None
    return Profile(data[12:16].decode("latin-1").strip(), data[16:20].decode("latin-1").strip(),
                   _description(data))


def _description(data: bytes) -> str:
    count = int.from_bytes(data[128:132], "big")
    for entry in range(132, min(132 + 12 * count, len(data) - 11), 12):
        if data[entry:entry + 4] == b"desc":
            start = int.from_bytes(data[entry + 4:entry + 8], "big")
            tag = data[start:start + int.from_bytes(data[entry + 8:entry + 12], "big")]
            if tag[:4] == b"desc":  # v2 textDescriptionType: ASCII, counted with its NUL
                return tag[12:12 + int.from_bytes(tag[8:12], "big")].split(b"\0")[0].decode("latin-1")
            if tag[:4] == b"mluc" and len(tag) >= 28:  # v4: the first record, UTF-16BE
                length, offset = int.from_bytes(tag[20:24], "big"), int.from_bytes(tag[24:28], "big")
                return tag[offset:offset + length].decode("utf-16-be", "replace")
    return ""
