"""Photos for the report: any common image in, a web-sized JPEG out.

The upload is decoded and drawn again, so nothing of the original file
travels on: no EXIF (the camera's GPS position above all), no comments, no
embedded thumbnail. The camera's orientation is applied first, so a photo
taken upright stays upright once its metadata is gone.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

# The long side of a photo on the page: sharp on a wide screen and in print,
# a few hundred kilobytes at this quality.
MAX_SIDE = 1600
JPEG_QUALITY = 82
# Refused before decoding: a phone's photo is a few megabytes.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Refuse decompression bombs well before Pillow's own warning threshold.
MAX_PIXELS = 60_000_000


class PhotoError(ValueError):
    """The upload is not a photo this page can use; the message says why."""


@dataclass(frozen=True)
class WebPhoto:
    data: bytes
    width: int
    height: int
    digest: str


def web_photo(raw: bytes) -> WebPhoto:
    """``raw`` (JPEG, PNG, WebP, GIF...) as a JPEG at most MAX_SIDE wide or
    high, without metadata. Raises PhotoError for what is not an image."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise PhotoError("too large")
    try:
        with Image.open(io.BytesIO(raw)) as source:
            if source.width * source.height > MAX_PIXELS:
                raise PhotoError("too many pixels")
            upright = ImageOps.exif_transpose(source)
            picture = upright.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise PhotoError("not an image") from error
    picture.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # A new image holds pixels only: saving it writes no EXIF, ICC or XMP.
    clean = Image.new("RGB", picture.size)
    clean.paste(picture)
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    data = out.getvalue()
    return WebPhoto(data, clean.width, clean.height, hashlib.sha256(data).hexdigest()[:16])
