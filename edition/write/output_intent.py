"""The press PDF's output intent: the printing condition the book is separated for.

In: the settings.  Out: the ICC profile (edition.yaml's `print.output-profile`, or the FOGRA39
profile shipped in `profiles/`) and the entries of the PDF/X OutputIntent that name its condition:
FOGRA39 from the ICC's registry for the default, "Custom" and the profile's description for an
editor's own profile.
"""

from __future__ import annotations

from pathlib import Path

from ..read import icc
from ..read.settings import Settings

DEFAULT_PROFILE = Path(__file__).parent / "profiles" / "fogra39.icc"
# The printing condition the default profile characterises: PRINT_CONDITIONS of FOGRA39L.ti3.
FOGRA39 = {
    "OutputConditionIdentifier": "FOGRA39",
    "RegistryName": "http://www.color.org",
    "OutputCondition": "Offset printing, according to ISO 12647-2:2004/Amd 1, OFCOM, paper type 1 or 2 = "
                       "coated art, 115 g/m2, tone value increase curves A (CMY) and B (K)",
}


def profile_path(settings: Settings) -> Path:
    return settings.printing.output_profile or DEFAULT_PROFILE


def profile(settings: Settings) -> icc.Profile:
    """The output profile's header (settings.py accepted it: class prtr, CMYK or GRAY)."""
    return icc.read(profile_path(settings).read_bytes())


def condition(settings: Settings) -> dict[str, str]:
    """The OutputIntent's text entries: which printing condition, described how."""
    description = profile(settings).description
    if settings.printing.output_profile is None:
        return {**FOGRA39, "Info": description}
    return {"OutputConditionIdentifier": "Custom", "OutputCondition": description, "Info": description}
