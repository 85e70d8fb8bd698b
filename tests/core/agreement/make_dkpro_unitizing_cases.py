"""Record DKPro Agreement's u_alpha_c on random continua, for test_unitizing_alpha.py.

Not a test (pytest does not collect it) and not run by CI: it needs Java and
the DKPro Agreement sources. How ``dkpro_unitizing_cases.json`` was made:

1. ``git clone https://github.com/dkpro/dkpro-statistics`` (commit f7f4f89,
   2.3.1-SNAPSHOT); compile ``dkpro-statistics-agreement/src/main/java``
   (without ``aligning``) with ``javac``, two one-method stubs standing in
   for ``org.slf4j.Logger``/``LoggerFactory``.
2. Compile a driver in package ``org.dkpro.statistics.agreement.unitizing``
   that reads the cases below from stdin and prints, per category, the
   results of ``KrippendorffAlphaUnitizingAgreement``'s
   ``calculateObservedCategoryDisagreement`` and
   ``calculateExpectedCategoryDisagreement`` with ``%.17g``.
3. ``python make_dkpro_unitizing_cases.py /path/to/classes > dkpro_unitizing_cases.json``.

DKPro takes one continuum and units that do not overlap within a coder and
category (touching is allowed), so the cases are of that kind.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from typing import Any

DRIVER = "org.dkpro.statistics.agreement.unitizing.Driver"


def make_case(rng: random.Random) -> dict[str, Any]:
    length = rng.randint(1, 400)
    coders = rng.randint(2, 5)
    categories = rng.randint(1, 3)
    units = []
    for coder in range(coders):
        for category in range(categories):
            position = 0
            while True:
                position += rng.choice([0, 0, 1, rng.randint(0, 60)])
                if position >= length or rng.random() < 0.15:
                    break
                size = rng.randint(1, min(length - position, rng.choice([3, 30, 200])))
                units.append([position, position + size, coder, category])
                position += size
    return {"length": length, "coders": coders, "categories": categories, "units": units}


def main() -> None:
    classes = sys.argv[1]
    rng = random.Random(20261125)
    cases = [make_case(rng) for _ in range(120)]
    lines = []
    for case in cases:
        lines.append(f"case {case['length']} {case['coders']} {case['categories']}")
        lines += [f"{s} {e - s} {i} {c}" for s, e, i, c in case["units"]]
        lines.append("end")
    out = subprocess.run(
        ["java", "-cp", classes, DRIVER],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for case, line in zip(cases, out, strict=True):
        numbers = [float(x) for x in line.split()]
        case["dkpro"] = [numbers[k : k + 2] for k in range(0, len(numbers), 2)]
    json.dump(cases, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
