"""Does a PDF really SHOW a Chinese name, not tofu boxes? (poppler-utils + Pillow)

`pdftotext` alone cannot tell: a PDF whose font lacks the glyphs still carries the text
(the ToUnicode map), and the page shows empty boxes. So page 1 is rasterised with
`pdftoppm`, each character of the name is cut out of the image at the place `pdftotext
-bbox` gives, and compared with the same character rendered by Pillow in the embedded CJK
font: every cell must hold ink and look like its own character far more than like the
name's other characters (tofu boxes are all alike and match none).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

DPI = 150
CELL = 32  # glyphs are compared as CELL × CELL ink masks
MIN_MATCH = 0.5  # normalised cross-correlation with its own rendering (measured 0.64–0.86)
MIN_MARGIN = 0.2  # ... above the best match with another character (measured ≥ 0.4)
CJK_FONT = re.compile(r"CJK|Hei|Song|Kai|Ming|WenQuanYi|Fallback|Han", re.IGNORECASE)
DEFAULT_FONT = "Noto Sans CJK SC"
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60).stdout


@dataclass(frozen=True)
class Word:
    """A word of page 1 and its box in PDF points (origin top left)."""

    text: str
    box: tuple[float, float, float, float]


def page_words(pdf: Path) -> list[Word]:
    out = run("pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-")
    return [
        Word(t, (float(a), float(b), float(c), float(d))) for a, b, c, d, t in WORD.findall(out)
    ]


def embedded_cjk_fonts(pdf: Path) -> list[str]:
    """Names (subset prefix dropped) of the embedded fonts that are CJK fonts."""
    names = []
    for line in run("pdffonts", str(pdf)).splitlines()[2:]:
        cols = line.split()  # name type… encoding emb sub uni object-id generation
        if len(cols) >= 7 and cols[-5] == "yes" and CJK_FONT.search(cols[0]):
            names.append(cols[0].split("+", 1)[-1])
    return names


def font_file(name: str) -> tuple[str, int]:
    """The system font file (and face index) fontconfig has for a PDF font name."""
    family = name.replace("-", " ")
    style = ":bold" if family.endswith(" Bold") else ""
    family = re.sub(r" (Bold|Regular)$", "", family)
    path, index = run("fc-match", "-f", "%{file}|%{index}", family + style).split("|")
    return path, int(index)


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """The glyph's ink, cropped, centred in a square, scaled to CELL, zero mean, unit spread."""
    ys, xs = np.nonzero(gray < 128)
    if len(ys) == 0:
        return np.zeros((CELL, CELL))
    crop = gray[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1] < 128
    side = max(crop.shape)
    square = np.zeros((side, side), dtype=np.uint8)
    top, left = (side - crop.shape[0]) // 2, (side - crop.shape[1]) // 2
    square[top : top + crop.shape[0], left : left + crop.shape[1]] = crop * 255
    resized = Image.fromarray(square).resize((CELL, CELL), Image.Resampling.BILINEAR)
    scaled = np.asarray(resized, dtype=np.float64)
    return (scaled - scaled.mean()) / (scaled.std() or 1.0)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float((a * b).mean())


def rendered(char: str, font: tuple[str, int]) -> np.ndarray:
    face = ImageFont.truetype(font[0], 96, index=font[1])
    image = Image.new("L", (160, 160), 255)
    ImageDraw.Draw(image).text((16, 8), char, font=face, fill=0)
    return ink_mask(np.asarray(image))


def name_cells(pdf: Path, name: str, folder: Path) -> list[np.ndarray]:
    """The name's characters cut out of page 1 rasterised (first full-width word holding it;
    full-width characters share a word's width equally)."""
    words = page_words(pdf)
    holding = [w for w in words if name in w.text]
    assert holding, f"{name!r} is not on page 1: {[w.text for w in words]}"
    wide = [w for w in holding if all(unicodedata.east_asian_width(c) in "WF" for c in w.text)]
    assert wide, f"{name!r} only inside mixed-width words: {[w.text for w in holding]}"
    word = wide[0]
    run(
        "pdftoppm",
        "-r",
        str(DPI),
        "-f",
        "1",
        "-l",
        "1",
        "-gray",
        "-png",
        str(pdf),
        str(folder / "p"),
    )
    page = np.asarray(Image.open(next(folder.glob("p*.png"))).convert("L"))
    k = DPI / 72
    x0, y0, x1, y1 = word.box
    width = (x1 - x0) / len(word.text)
    first = word.text.index(name)
    cells = []
    for i in range(len(name)):
        left = x0 + (first + i) * width
        top, bottom = int(y0 * k), int(np.ceil(y1 * k))
        cells.append(page[top:bottom, int(left * k) : int(np.ceil((left + width) * k))])
    return cells


def glyph_problems(pdf: Path, name: str, folder: Path) -> list[str]:
    """Why page 1 does not show `name` in real glyphs (empty when it does)."""
    cells = name_cells(pdf, name, folder)
    fonts = [font_file(n) for n in embedded_cjk_fonts(pdf)] or [font_file(DEFAULT_FONT)]
    masks = [ink_mask(cell) for cell in cells]
    problems = []
    for i, (char, cell) in enumerate(zip(name, cells, strict=True)):
        ink = float((cell < 128).mean())
        if ink < 0.02:
            problems.append(f"{char}: blank cell (ink {ink:.3f})")
            continue
        own, other = 0.0, -1.0
        for font in fonts:
            scores = {c: similarity(masks[i], rendered(c, font)) for c in set(name)}
            own = max(own, scores.pop(char))
            other = max([other, *scores.values()])
        if own < MIN_MATCH or own - other < MIN_MARGIN:
            problems.append(f"{char}: looks like itself {own:.2f}, like another {other:.2f}")
    return problems


# --- reference PDFs for checking the check ---------------------------------------------

FONTS_CONF = """<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{cache}</cachedir></fontconfig>
"""
RENDER = """import sys
from weasyprint import HTML
html = f'<p style="font: 14pt Noto Sans CJK SC">候选人：{sys.argv[2]}</p>'
HTML(string=html).write_pdf(sys.argv[1])
"""


def reference_pdf(path: Path, name: str, *, cjk_fonts: bool) -> Path:
    """`name` in a PDF made by WeasyPrint in a fresh process; without CJK fonts (fontconfig
    sees DejaVu only) its page shows tofu boxes."""
    env = dict(os.environ)
    if not cjk_fonts:
        conf = path.with_suffix(".conf")
        conf.write_text(FONTS_CONF.format(cache=path.parent / "fc-cache"))
        env["FONTCONFIG_FILE"] = str(conf)
    subprocess.run([sys.executable, "-c", RENDER, str(path), name], env=env, check=True, timeout=60)
    return path
