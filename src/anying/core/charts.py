"""Bar charts as PNG for the .docx reports (Word shows images everywhere; ECharts is for the
browser). Pillow only, no plotting library.

Chinese labels need a CJK font, which a server may not have: the caller gives labels and
plain-ASCII fallbacks (months as 01…12, rank numbers keyed to the report's table), and the
chart uses the Chinese ones only when a CJK font is installed (fonts-noto-cjk, wqy …)."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

CJK_FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "/System/Library/Fonts/PingFang.ttc",
]
COLOURS = ["#dc3545", "#198754", "#0d6efd", "#fd7e14", "#6f42c1"]


@cache
def _font(size: int) -> tuple[ImageFont.ImageFont, bool]:
    for path in CJK_FONTS:
        if Path(path).exists():
            try:
                return ImageFont.truetype(path, size), True
            except OSError:
                continue
    try:
        return ImageFont.load_default(size=size), False
    except TypeError:  # Pillow < 10.1
        return ImageFont.load_default(), False


def has_cjk_font() -> bool:
    return _font(14)[1]


def bars(labels: list[str], series: list[tuple[str, list[float]]], *, fallback_labels: list[str] | None = None,
         width: int = 1000, height: int = 380) -> bytes:
    """Grouped vertical bars: one group per label, one bar per series (name, values)."""
    font, cjk = _font(15)
    small, _ = _font(13)
    shown = labels if cjk or fallback_labels is None else fallback_labels
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    left, right, top, bottom = 60, 20, 40 if cjk else 20, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([v for _, values in series for v in values] + [1])
    step = _nice_step(peak)
    top_value = step * (int(peak / step) + 1)
    for i in range(int(top_value / step) + 1):
        y = top + plot_h - plot_h * (i * step) / top_value
        draw.line([(left, y), (width - right, y)], fill="#e5e5e5")
        text = f"{i * step:g}"
        draw.text((left - 8 - draw.textlength(text, font=small), y - 8), text, fill="#555", font=small)
    draw.line([(left, top), (left, top + plot_h), (width - right, top + plot_h)], fill="#333")
    groups = max(len(labels), 1)
    group_w = plot_w / groups
    bar_w = max(group_w * 0.8 / max(len(series), 1), 1)
    for g, label in enumerate(shown):
        x0 = left + g * group_w + group_w * 0.1
        for s, (_, values) in enumerate(series):
            value = values[g] if g < len(values) else 0
            h = plot_h * value / top_value
            draw.rectangle([x0 + s * bar_w, top + plot_h - h, x0 + (s + 1) * bar_w - 2, top + plot_h],
                           fill=COLOURS[s % len(COLOURS)])
        tw = draw.textlength(label, font=small)
        draw.text((left + g * group_w + (group_w - tw) / 2, top + plot_h + 6), label, fill="#333", font=small)
    if cjk:  # a legend, when it can be written
        x = left
        for s, (name, _) in enumerate(series):
            draw.rectangle([x, 12, x + 14, 26], fill=COLOURS[s % len(COLOURS)])
            draw.text((x + 20, 10), name, fill="#333", font=font)
            x += 40 + draw.textlength(name, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _nice_step(peak: float) -> float:
    """A round tick step giving about five grid lines."""
    raw = peak / 5
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude
