"""Photos people upload of themselves: checked by content, re-encoded, stripped of metadata.

What is kept is never the uploaded file: Pillow decodes it and writes a new JPEG, so that
nothing the camera or an editor put in it (EXIF with GPS position and device serials,
ICC profiles, comments, a polyglot payload) reaches a public page. docs/adr/0014-boards.md.
"""

from __future__ import annotations

import io
import warnings

from django.utils.translation import gettext as _
from PIL import Image, ImageOps

# Formats taken, by what the bytes are (Pillow's own sniffing), never by the file's name.
FORMATS = ("JPEG", "PNG", "WEBP")
MAX_BYTES = 5 * 1024 * 1024
# Checked from the header before any pixel is decoded: a 50 KB PNG may declare 40,000 ×
# 40,000 pixels and take gigabytes to decode (a decompression bomb). Pillow's own global
# guard (Image.MAX_IMAGE_PIXELS) is process-wide and only warns below twice its value.
MAX_PIXELS = 20_000_000
# The longest side of what is kept: sharp on an A3 board at the size it is printed.
SIDE = 600
QUALITY = 85


class PhotoRefused(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def too_large_message() -> str:
    return _("The photo is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)}


def reencode(data: bytes, side: int = SIDE) -> bytes:
    """The photo as a JPEG at most `side` px on its longest side, with no metadata.

    Raises PhotoRefused (with a message for the person) for anything that is not a JPEG,
    PNG or WebP picture within the limits.
    """
    if len(data) > MAX_BYTES:
        raise PhotoRefused(too_large_message())
    not_a_photo = PhotoRefused(_("The file is not a JPEG, PNG or WebP picture."))
    too_many_pixels = PhotoRefused(
        _("The photo has more than %(mp)d million pixels.") % {"mp": MAX_PIXELS // 1_000_000}
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise too_many_pixels
            image.load()
            return _as_jpeg(image, side)
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard, at open, for a header declaring far too many pixels.
        raise too_many_pixels from None
    except (OSError, ValueError, SyntaxError, Warning):
        # Pillow says "not an image" and "truncated" with OSError, some decoders and some
        # modes (16-bit, odd palettes) with the others.
        raise not_a_photo from None


def _as_jpeg(image: Image.Image, side: int = SIDE) -> bytes:
    # Turned as the camera meant (EXIF orientation) before EXIF is dropped.
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        # Transparent pixels become white, as on paper.
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, "white")
        image.paste(rgba, mask=rgba.getchannel("A"))
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif=, icc_profile= or comment=: Pillow writes none of them unless asked.
    image.convert("RGB").save(out, "JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()
