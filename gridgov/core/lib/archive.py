"""Zip archives (xlsx) bounded before anything unpacks them: a small file may declare or
hold gigabytes (a zip bomb, a huge sharedStrings.xml)."""

from __future__ import annotations

import zipfile

# Past this ratio of unpacked to packed size a member is a bomb, not a sheet: real sheet
# XML packs 5–30 to 1; deflate cannot do better than about 1,030 to 1.
MAX_RATIO = 200
# Members smaller than this are not looked at for their ratio (tiny files pack oddly).
RATIO_FROM_BYTES = 1 << 20


class ArchiveTooLarge(ValueError):
    pass


def check_members(z: zipfile.ZipFile, max_total: int) -> None:
    """Refuse (ArchiveTooLarge) an archive whose members declare more than `max_total`
    bytes together or pack better than MAX_RATIO; then unpack each member as a stream,
    keeping nothing, so that one whose content is larger than it declares (which Python's
    reader stops at, and then fails its CRC) is refused too (zipfile.BadZipFile)."""
    infos = z.infolist()
    if sum(i.file_size for i in infos) > max_total:
        raise ArchiveTooLarge("declared size")
    for info in infos:
        if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise ArchiveTooLarge(f"ratio of {info.filename}")
    for info in infos:
        with z.open(info) as member:
            while member.read(1 << 20):
                pass
