"""Photos of a typical case: the evidence file rules (`applications.files.check_upload`: size
cap, judged by content, name and content agreeing), JPEG or PNG only, then decoded and
re-encoded with Pillow so that what the public page serves is a plain image: metadata (GPS
positions, camera serials) and anything appended to the file are dropped."""

import hashlib
from dataclasses import dataclass
from io import BytesIO

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from applications.files import check_upload
from jingzhidai.errors import ApplicationError

FORMATS = {"image/jpeg": ("JPEG", ".jpg"), "image/png": ("PNG", ".png")}
MAX_PIXELS = 40_000_000  # a 8000 × 5000 photo; larger is refused before decoding


@dataclass(frozen=True)
class CleanPhoto:
    name: str
    extension: str
    content_type: str
    size: int
    sha256: str
    content: ContentFile


def _refuse(message, code="file_type"):
    raise ApplicationError(message, {"file": [message]}, code=code)


def photo_clean(uploaded) -> CleanPhoto:
    checked = check_upload(uploaded)
    if checked.content_type not in FORMATS:
        _refuse(_("Photos must be JPEG or PNG images."))
    pil_format, extension = FORMATS[checked.content_type]
    uploaded.seek(0)
    try:
        with Image.open(uploaded) as image:
            if image.format != pil_format:
                _refuse(_("The file's name does not match its content (%(type)s).") % {"type": checked.content_type},
                        code="file_name_mismatch")
            if image.width * image.height > MAX_PIXELS:
                _refuse(_("The photo is too large (at most %(mp)s megapixels).") % {"mp": MAX_PIXELS // 1_000_000},
                        code="file_too_large")
            image.load()
            image = ImageOps.exif_transpose(image)
            out = BytesIO()
            if pil_format == "JPEG":
                image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
            else:
                if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
                    image = image.convert("RGBA")
                image.save(out, "PNG", optimize=True)
    except ApplicationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        _refuse(_("The photo could not be read as an image."), code="file_unreadable")
    except Exception:  # noqa: BLE001 - a decoder's surprise on a crafted file is a refusal, never a 500
        _refuse(_("The photo could not be read as an image."), code="file_unreadable")
    data = out.getvalue()
    name = checked.name
    return CleanPhoto(name=name, extension=extension, content_type=checked.content_type, size=len(data),
                      sha256=hashlib.sha256(data).hexdigest(), content=ContentFile(data))
