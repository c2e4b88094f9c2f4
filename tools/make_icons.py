"""Draw the app's PNG icons from the design of static/icons/app.svg (run once; PNGs committed).

Pillow does not read SVG, so the two shapes of app.svg are drawn again here on its 512 grid:
the blue rounded square and the white "F". A maskable icon fills the whole square (the phone
cuts its own shape) and keeps the letter inside the central safe zone, as the SVG already does.
Usage: python tools/make_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parents[1] / "static" / "icons"
BLUE, WHITE = "#0b5394", "#ffffff"
# app.svg's path "M150 140h212v56H214v60h128v54H214v92h-64z" as points on its 512 grid
LETTER = [(150, 140), (362, 140), (362, 196), (214, 196), (214, 256), (342, 256), (342, 310),
          (214, 310), (214, 402), (150, 402)]
SUPERSAMPLE = 4  # drawn large, then reduced: smooth edges without an SVG renderer


def draw(size: int, *, maskable: bool) -> Image.Image:
    """Return the icon at size x size pixels."""
    big = 512 * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:
        pen.rectangle((0, 0, big, big), fill=BLUE)
    else:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=96 * SUPERSAMPLE, fill=BLUE)
    pen.polygon([(x * SUPERSAMPLE, y * SUPERSAMPLE) for x, y in LETTER], fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    """Write icon-192.png, icon-512.png and icon-maskable-512.png beside app.svg."""
    for name, size, maskable in (("icon-192.png", 192, False), ("icon-512.png", 512, False),
                                 ("icon-maskable-512.png", 512, True)):
        draw(size, maskable=maskable).save(ICONS / name, optimize=True)


if __name__ == "__main__":
    main()
