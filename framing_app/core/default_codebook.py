"""The codebook a new project starts with."""

from __future__ import annotations

from framing_app.core.records import LabelSpec

# Okabe & Ito (2008), "Color Universal Design": distinguishable with the
# common colour-vision deficiencies.
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
        color="#E69F00",
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
        color="#56B4E9",
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

# The rest of the Okabe & Ito palette, offered in turn to labels added later
# (in the codebook editor, or arriving with another coder's annotations).
SPARE_LABEL_COLORS: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#F0E442",
    "#999999",
    "#000000",
)
