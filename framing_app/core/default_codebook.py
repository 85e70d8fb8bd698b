"""The codebook a new project starts with."""

from __future__ import annotations

from framing_app.core.records import LabelSpec

# The colours are chosen to be told apart as highlights on white, alone and
# overlapping, with normal colour vision and with simulated dichromacy
# (tests/core/test_palette.py measures it): vermillion and bluish green from
# Okabe & Ito (2008), "Color Universal Design", and the violet of the IBM
# Design Library's colour-blind safe palette. Projects keep the colours they
# were created with; these are for new projects.
DEFAULT_LABELS: tuple[LabelSpec, ...] = (
    LabelSpec(
        name="sovereignty",
        definition=(
            "The passage treats human rights as a domestic affair of the state concerned: "
            "it invokes sovereignty, territorial integrity or non-interference, presents "
            "outside criticism as meddling in internal affairs, or says each country "
            "chooses its own path according to its national conditions. Code the "
            "argument, whoever makes it (an official, the journalist, a quoted expert)."
        ),
        color="#D55E00",
        shortcut="1",
    ),
    LabelSpec(
        name="double standards",
        definition=(
            "The passage accuses the critic of hypocrisy or selective application of "
            "human-rights norms: the accuser is said to violate the same rights at home "
            "or abroad, to apply rules to others but not to itself, or to use human "
            "rights as a political tool. Code it when the charge is made or reported, "
            "not when the passage only mentions a country's own problems."
        ),
        color="#785EF0",
        shortcut="2",
    ),
    LabelSpec(
        name="universal rights",
        definition=(
            "The passage presents human rights as applying to everyone regardless of the "
            "state they live in: rights are universal, inalienable or owed to individuals "
            "by virtue of being human, so that their violation is a legitimate concern of "
            "others. Code appeals to international norms or to the rights of named "
            "individuals (detained lawyers, artists, activists) made on that basis."
        ),
        color="#009E73",
        shortcut="3",
    ),
)

# Offered in turn to labels added later (in the codebook editor, or arriving
# with another coder's annotations): blue from Okabe & Ito (2008), purple and
# red from Paul Tol's "bright" and "vibrant" schemes (Tol 2021, "Colour
# Schemes", SRON/EPS/TN/09-002), and brown. Each is at least 3:1 against white
# (WCAG 2.2 SC 1.4.11) and stays distinct from the others when highlights
# overlap. Pale colours (yellow, sky blue, light grey) are left out: as a
# highlight they barely show on white paper.
SPARE_LABEL_COLORS: tuple[str, ...] = (
    "#0072B2",
    "#AA3377",
    "#CC3311",
    "#8C564B",
)
