"""Synthetic product photos for demo data, fed through the same pipeline as real uploads.

The pictures are drawn, not downloaded: the demo needs no network and ships no third-party images.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageColor, ImageDraw, ImageFilter, ImageFont

WIDTH, HEIGHT = 1200, 900
CREAM = (247, 241, 230)
WOOD = (166, 118, 74)
TABLE_Y = 640
SHAPES = ("cloth", "basket", "vase")


def generate_demo_photo(seed: int | str, label: str, colour: str | tuple[int, int, int]) -> bytes:
    """A 1200x900 JPEG of a woven craft on a soft backdrop, the same for the same arguments.

    seed picks the shape (cloth, basket, vase) and the weave; colour (`#8b3a2b` or an RGB tuple)
    tints everything; label is printed on a small tag so demo products are told apart at a glance.
    """
    rng = random.Random(str(seed))
    base = ImageColor.getrgb(colour) if isinstance(colour, str) else tuple(colour)[:3]
    canvas = backdrop(base)
    shape = SHAPES[rng.randrange(len(SHAPES))]
    mask = product_mask(shape, rng)
    shadow = Image.new("L", canvas.size, 0)
    ImageDraw.Draw(shadow).ellipse((300, 720, 900, 800), fill=110)
    canvas.paste((60, 45, 35), mask=shadow.filter(ImageFilter.GaussianBlur(24)))
    canvas.paste(rounded(weave(base, rng)), mask=mask)
    outline = mask.filter(ImageFilter.FIND_EDGES).point(lambda v: 90 if v else 0)
    canvas.paste(shade(base, 0.45), mask=outline)
    draw_tag(canvas, label, base)
    buffer = io.BytesIO()
    canvas.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def mix(a: tuple, b: tuple, t: float) -> tuple[int, int, int]:
    """The colour a fraction t of the way from a to b."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=False))[:3]


def shade(colour: tuple, t: float) -> tuple[int, int, int]:
    """colour darkened by fraction t."""
    return mix(colour, (0, 0, 0), t)


def backdrop(base: tuple) -> Image.Image:
    """A wall fading down to a table top, both lightly tinted by the product colour."""
    top, bottom = mix(CREAM, base, 0.08), mix(CREAM, base, 0.22)
    wood = mix(mix(CREAM, WOOD, 0.55), base, 0.08)
    column = Image.new("RGB", (1, HEIGHT))
    for y in range(HEIGHT):
        if y < TABLE_Y:
            column.putpixel((0, y), mix(top, bottom, y / TABLE_Y))
        else:
            column.putpixel((0, y), shade(wood, 0.25 * (y - TABLE_Y) / (HEIGHT - TABLE_Y)))
    canvas = column.resize((WIDTH, HEIGHT))
    draw = ImageDraw.Draw(canvas)
    draw.ellipse((760, 60, 1120, 420), fill=mix(CREAM, base, 0.18))  # a soft "sun" behind
    return canvas


def weave(base: tuple, rng: random.Random) -> Image.Image:
    """An over-under weave of warp and weft threads in shades of the base colour, with a motif."""
    size = rng.randrange(18, 34)
    warp = [base, shade(base, 0.25), mix(base, CREAM, 0.45)]
    weft = [mix(base, (214, 170, 60), 0.5), shade(base, 0.4), mix(base, CREAM, 0.7)]
    rng.shuffle(warp)
    rng.shuffle(weft)
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    for row in range(HEIGHT // size + 1):
        for col in range(WIDTH // size + 1):
            over = (row + col) % 2 == 0
            fill = warp[col % len(warp)] if over else weft[row % len(weft)]
            box = (col * size, row * size, (col + 1) * size - 1, (row + 1) * size - 1)
            draw.rectangle(box, fill=fill, outline=shade(fill, 0.18))
    step = rng.randrange(120, 200)
    for cx in range(step // 2, WIDTH, step):  # diamonds, as in a tenun ikat border
        for cy in (330, 560):
            r = step // 4
            diamond = [(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)]
            draw.polygon(diamond, fill=mix(base, CREAM, 0.8), outline=shade(base, 0.5))
    return image


def rounded(image: Image.Image) -> Image.Image:
    """Darken the left and right edges a little so the flat weave reads as a rounded object."""
    ramp = Image.new("L", (WIDTH, 1))
    for x in range(WIDTH):
        ramp.putpixel((x, 0), round(100 * abs(x - WIDTH / 2) / (WIDTH / 2)))
    dark = Image.new("RGB", image.size, (30, 22, 16))
    return Image.composite(dark, image, ramp.resize(image.size))


def product_mask(shape: str, rng: random.Random) -> Image.Image:
    """Where the product is: a folded cloth, a round basket or a vase, slightly varied."""
    mask = Image.new("L", (WIDTH, HEIGHT), 0)
    draw = ImageDraw.Draw(mask)
    wobble = rng.randrange(-30, 30)
    if shape == "cloth":
        draw.rounded_rectangle((260 + wobble, 230, 940 + wobble, 760), radius=28, fill=255)
    elif shape == "basket":
        draw.ellipse((280, 300 + wobble, 920, 420 + wobble), fill=255)
        draw.polygon([(280, 360 + wobble), (920, 360 + wobble), (850, 740), (350, 740)], fill=255)
        draw.ellipse((350, 700, 850, 780), fill=255)
    else:
        draw.ellipse((380, 380, 820, 780), fill=255)  # body
        draw.rectangle((520, 200 + wobble, 680, 460), fill=255)  # neck
        draw.ellipse((480, 170 + wobble, 720, 240 + wobble), fill=255)  # lip
    return mask


def draw_tag(canvas: Image.Image, label: str, base: tuple) -> None:
    """A small paper tag in the corner with the product name."""
    text = label.strip()[:40] or "Kerajinan"
    draw = ImageDraw.Draw(canvas)
    try:
        font = ImageFont.load_default(size=34)
    except Exception:  # Pillow built without FreeType: the small bitmap font still works
        font = ImageFont.load_default()
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    box = (40, 40, 40 + right - left + 48, 40 + bottom - top + 36)
    draw.rounded_rectangle(box, radius=14, fill=(255, 253, 248), outline=shade(base, 0.3), width=3)
    draw.text((64 - left, 58 - top), text, font=font, fill=shade(base, 0.65))
