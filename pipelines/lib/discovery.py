"""Discovery: which files under the given paths are filings, which are passed over and why, the region and
county their folders name, and reading a file's bytes safely (regular files only, size-capped)."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from pipelines.lib.errors import RejectedFile
from pipelines.lib.messages import printable, printable_path

# .docm/.dotx/.dotm are Word packages too (macro-enabled, templates): read as Word, macros never run.
READ_SUFFIXES = {".docx", ".docm", ".dotx", ".dotm", ".pdf"}
# .doc/.xls/.xlsx are taken up too, not read: each is rejected with how to save it as a file yusuan reads
SUFFIXES = READ_SUFFIXES | {".doc", ".xls", ".xlsx"}
MAX_FILE_BYTES = 64 * 1024 * 1024
_YEAR_DIR = re.compile(r"^(19|20)\d{2}$")


# What a folder name must look like to be taken for a region (data, not code: a new kind of region is a
# row here).  Administrative divisions end in one of these; "本级" is a government's own level
# (省本级, 上海市本级); the names are regions that end in nothing of the kind.
REGION_SUFFIXES = ("省", "市", "县", "区", "旗", "州", "盟", "本级")
REGION_NAMES = ("中央",)


def looks_like_region(folder: str) -> bool:
    """True for 河北省, 魏县, 普陀区, 省本级, 中央; False for tianbaoxitong, 2023, 教育局, downloads."""
    name = folder.strip()
    return name in REGION_NAMES or (len(name) >= 2 and name.endswith(REGION_SUFFIXES))


def region_folders(path: Path, root: Path | None) -> tuple[list[str], list[str]]:
    """The folders between the ingest root and the file (year folders left out): (regions, others)."""
    parts: list[str] = []
    if root is not None:
        try:
            rel = path.resolve().parent.relative_to(root.resolve())
            parts = [p for p in rel.parts if not _YEAR_DIR.match(p)]
        except ValueError:
            parts = []
    regions = [p for p in parts if looks_like_region(printable(p))]  # a GBK name is judged decoded
    return regions, [p for p in parts if p not in regions]


def region_of(path: Path, root: Path | None, county: str | None = None) -> tuple[str | None, str | None]:
    """The region folders between the ingest root and the file, '/'-joined; the last one is the county.

    Only folders that look like regions count (:func:`looks_like_region`): a download folder or a
    department's folder is passed over, and a file under none has no county unless ``county`` is given.
    """
    parts, _ = region_folders(path, root)
    region = "/".join(parts) or None
    return region, county or (parts[-1] if parts else None)


def read_regular_file(path: Path) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most MAX_FILE_BYTES; RejectedFile otherwise.

    The type is checked before opening (a FIFO's open blocks until a writer comes; a device may never
    end), and again on the open descriptor, opened non-blocking, in case the path changed in between.
    """
    what = not_regular(os.stat(path).st_mode)
    if what:
        raise RejectedFile(f"this is {what}, not a file; yusuan reads only regular files", kind="not_a_file")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        what = not_regular(st.st_mode)
        if what:
            raise RejectedFile(f"this is {what}, not a file; yusuan reads only regular files", kind="not_a_file")
        if st.st_size > MAX_FILE_BYTES:
            raise RejectedFile(f"the file is {st.st_size // 2**20} MiB, over the {MAX_FILE_BYTES // 2**20} MiB limit "
                               "for a filing; check it is not an archive of many files", kind="too_large")
        return fh.read(MAX_FILE_BYTES + 1)


def not_regular(mode: int) -> str | None:
    """What a file of this st_mode is when it is not a regular file ('a named pipe (FIFO)', …); None if it is."""
    if stat.S_ISREG(mode):
        return None
    for test, what in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return what
    return "not a regular file"


def _walk(folder: Path):
    """(file, reason it is passed over or None) under ``folder``, sorted; dot folders are not entered."""
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        hidden = sorted(d for d in dirnames if d.startswith("."))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for d in hidden:
            yield here / d, "a hidden folder (.Trash, .git, …): not searched"
        for name in sorted(filenames):
            f = here / name
            if name.startswith("~$"):
                yield f, "an Office lock file (~$…), left while a document is open: not a filing"
                continue
            if name.startswith("."):
                yield f, "a hidden file: not read"
                continue
            try:
                what = not_regular(f.lstat().st_mode if not f.is_symlink() else f.stat().st_mode)
            except OSError as err:
                yield f, f"cannot be examined ({err.strerror or err})"
                continue
            yield f, (f"{what}: yusuan reads only regular files" if what else None)


def discover(paths: list[Path]) -> list[tuple[Path, Path]]:
    """Every candidate filing under the given files/folders, with the root its region is read from.

    Only regular files are candidates: a FIFO or device given or found is never opened (see
    :func:`passed_over` for what is left out and why).
    """
    found: list[tuple[Path, Path]] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found += [(f, p) for f, why in _walk(p) if why is None and f.suffix.lower() in SUFFIXES]
        elif p.exists() and not_regular(p.stat().st_mode) is None:
            found.append((p, p.parent))
    return found


def passed_over(paths: list[Path]) -> list[tuple[str, str]]:
    """(path as printed, why) for what discovery leaves out besides other extensions: lock files, hidden
    files and folders, FIFOs, devices and sockets — each listed, none silently dropped."""
    out: list[tuple[str, str]] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out += [(printable_path(f), why) for f, why in _walk(p) if why is not None]
        elif p.exists():
            what = not_regular(p.stat().st_mode)
            if what:
                out.append((printable_path(p), f"{what}: yusuan reads only regular files"))
    return out


def not_filings(paths: list[Path]) -> list[str]:
    """Files under the given folders that discovery passes over for their extension (.rar, .wps, .txt …)."""
    out = []
    for p in paths:
        if Path(p).is_dir():
            out += [printable_path(f.relative_to(p)) for f in sorted(Path(p).rglob("*"))
                    if f.is_file() and f.suffix.lower() not in SUFFIXES and not f.name.startswith(("~$", "."))
                    and not any(part.startswith(".") for part in f.relative_to(p).parts)
                    and not f.name.upper().startswith("README")]  # a folder's own notes are not missed filings
    return out
