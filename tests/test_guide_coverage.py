"""The course mirrors the guide: its code lines appear verbatim in the lessons' code cells.

Every line of every ```python block of docs/autograd_guide.md counts once per occurrence. A line
is covered when it stands, as written, in some lesson's code cell. One normalisation only: the
guide's emoji (``# ❌ERROR!``) are dropped, because the course uses no glyph that Debian's fonts
lack (see course/README.md). What stays uncovered is the guide's pseudo-code and pasted output
(``z_i = 3 * y_i^2``, ``z = tensor(50.0, grad_fn=<MeanBackward0>)``), which is not Python.
"""
import re

from course_notebooks import NOTEBOOKS, ROOT, read

GUIDE = ROOT / "docs" / "autograd_guide.md"
# Emoji and the variation selector that follows some of them; every other character is kept.
_EMOJI = re.compile("[\u2600-\u27bf\U0001f000-\U0001faff]\ufe0f? ?")


def _guide_lines():
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    return [_EMOJI.sub("", line).strip() for block in blocks for line in block.splitlines()
            if line.strip()]


def _lesson_code():
    return "\n".join(cell.source for nb in NOTEBOOKS for cell in read(nb).cells
                     if cell.cell_type == "code")


def test_the_guide_has_python_blocks_to_cover():
    assert len(_guide_lines()) > 100  # the parser found the guide's code, not nothing


def test_at_least_95_percent_of_the_guides_code_lines_appear_in_the_lessons():
    code = _lesson_code()
    lines = _guide_lines()
    missing = [line for line in lines if line not in code]
    covered = 1 - len(missing) / len(lines)
    assert covered >= 0.95, (f"{covered:.1%} of the guide's {len(lines)} code lines appear in the "
                             f"lessons; missing: {missing}")

