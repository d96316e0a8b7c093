"""The output folder of a batch: checked before any work, report folders published whole, no local paths.

- :func:`check_output_dir` runs before anything is rendered: ``--output`` naming a file, a folder that cannot
  be created or written (read-only file system, no permission) or a disk without free space gives one Dutch
  line (:class:`OutputDirError`), so the CLI can stop with exit status 2.
- Every report is built in a hidden staging folder next to the final one (:func:`staging_root`,
  ``<output>/.bouw-<code>-<pid>-<random>/<code>/``) and then published with :func:`publish_folder`: an atomic
  swap of the two folders (Linux ``renameat2(RENAME_EXCHANGE)``), else two renames. A reader therefore sees
  either the old folder or the new one, never a mix of files from two runs (two batches on one folder).
  Staging folders of processes that no longer run are removed by :func:`remove_stale_staging`, but only those
  that carry the runner's marker file (:func:`made_by_us`); a report folder is only replaced when it is one
  (:func:`is_report_folder`): a file or a foreign folder named like a gemeente code is never touched.
- :func:`redact` takes local paths, the user name and the host name out of a text (error messages, logs);
  :func:`sanitise_notebook` does the same for the executed notebook written next to each report (papermill
  stores the parameters, including ``output_dir``, and the input/output paths in it).
"""

from __future__ import annotations

import ctypes
import errno
import getpass
import os
import re
import shutil
import socket
import sys
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any

from analyse import paths
from analyse.errors import ParameterError

STAGING_PREFIX = ".bouw-"
OLD_PREFIX = ".oud-"
MIN_FREE_BYTES = 50 * 1024 * 1024
"""Free space an output folder needs before a batch starts (one report folder is about 1 MB)."""


class OutputDirError(ParameterError):
    """The output folder cannot be used (a file, read-only, no permission, disk full)."""


# ---------------------------------------------------------------------------------------------- checking
def _why(exc: OSError) -> str:
    """A Dutch phrase for an OS error on a folder."""
    code = getattr(exc, "errno", None)
    if code == errno.EROFS:
        return "staat op een alleen-lezen bestandssysteem"
    if code in (errno.EACCES, errno.EPERM):
        return "is niet beschrijfbaar (geen schrijfrechten)"
    if code in (errno.ENOSPC, errno.EDQUOT):
        return "staat op een volle schijf (geen vrije ruimte meer)"
    if code == errno.ENOTDIR:
        return "ligt onder een bestand in plaats van een map"
    if code == errno.ENAMETOOLONG:
        return "heeft een te lange naam"
    return f"kan niet worden gebruikt ({exc.strerror or type(exc).__name__})"


def _protected_dir(root: Path) -> str | None:
    """The folder ``root`` is or lies in that must never hold reports (see :func:`analyse.paths.protected_reason`)."""
    return paths.protected_reason(root)


def check_output_dir(root: str | os.PathLike[str], min_free: int = MIN_FREE_BYTES) -> Path:
    """Make sure ``root`` is a writable folder with free space, outside data/plans/code; create it when missing.

    Returns:
        The resolved folder.

    Raises:
        OutputDirError: one line in Dutch naming the folder and the problem.
    """
    hint = "; kies met --output een andere map"
    try:
        return _check_output_dir(Path(root).expanduser(), min_free, hint)
    except OSError as exc:  # e.g. a name longer than the file system allows: one line, never a traceback
        raise OutputDirError(f"Uitvoermap {str(root)[:80]}… {_why(exc)}{hint}.") from None


def _check_output_dir(root: Path, min_free: int, hint: str) -> Path:
    if root.is_symlink() and not root.exists():
        raise OutputDirError(f"Uitvoermap {root} verwijst naar een map die niet bestaat (symlink){hint}.")
    protected = _protected_dir(root)
    if protected:
        raise OutputDirError(f"Uitvoermap {root} is of ligt in {protected}; daar mogen geen rapporten komen{hint}.")
    if root.exists() and not root.is_dir():
        raise OutputDirError(f"Uitvoermap {root} is een bestand, geen map{hint}.")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputDirError(f"Uitvoermap {root} is een bestand, geen map{hint}.") from None
    except OSError as exc:
        raise OutputDirError(f"Uitvoermap {root} kan niet worden gemaakt: de map {_why(exc)}{hint}.") from None
    root = root.resolve()
    probe = root / f".schrijftest-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    try:
        with open(probe, "wb") as fh:
            fh.write(b"\0" * 65536)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise OutputDirError(f"Uitvoermap {root} {_why(exc)}{hint}.") from None
    finally:
        try:
            probe.unlink()
        except OSError:
            pass
    try:
        free = shutil.disk_usage(root).free
    except OSError:
        free = None
    if free is not None and free < min_free:
        raise OutputDirError(f"Uitvoermap {root} staat op een (bijna) volle schijf: nog {free // (1024 * 1024)} MB "
                             f"vrij, minstens {min_free // (1024 * 1024)} MB nodig; maak ruimte vrij{hint}.")
    return root


# ---------------------------------------------------------------------------------------------- staging
MARKER = ".analyse-run"
"""File in every staging and set-aside folder the runner makes; holds the folder's own name (the proof)."""
_OWN_NAME = re.compile(r"^\.(?:bouw|oud)-[A-Za-z0-9_-]{1,24}-(\d+)-[0-9a-f]{8}$")


class ForeignEntryError(OSError):
    """The place of a report folder holds something the runner did not make (a file, a link, a foreign folder)."""


def _mark(folder: Path) -> None:
    (folder / MARKER).write_text(folder.name, encoding="utf-8")


def made_by_us(entry: Path) -> bool:
    """Whether ``entry`` is a staging/set-aside folder of this tool: name pattern, a real folder, and the marker
    file inside naming it. Anything else with a similar name is the user's and is never removed."""
    if not _OWN_NAME.match(entry.name) or entry.is_symlink() or not entry.is_dir():
        return False
    try:
        return (entry / MARKER).read_text(encoding="utf-8").strip() == entry.name
    except (OSError, UnicodeDecodeError):
        return False


def staging_root(output_root: str | os.PathLike[str], code: str) -> Path:
    """A new, empty hidden folder in ``output_root`` in which the folder ``<code>/`` of one report is built.

    The name holds the process id, so :func:`remove_stale_staging` can tell a folder of a running batch from
    one left by a killed process; the marker file inside proves the runner made it.
    """
    root = Path(output_root) / f"{STAGING_PREFIX}{code}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    (root / code).mkdir(parents=True)
    _mark(root)
    return root


def _pid_of(name: str) -> int | None:
    match = _OWN_NAME.match(name)
    return int(match.group(1)) if match else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_staging(output_root: str | os.PathLike[str], pids: set[int] | None = None) -> list[Path]:
    """Remove staging/set-aside folders in ``output_root`` that this tool made (:func:`made_by_us`) and whose
    process no longer runs (or is in ``pids``). Files, links and folders without the marker are left alone.

    Returns:
        The removed folders.
    """
    root = Path(output_root)
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    for entry in root.iterdir():
        if not entry.name.startswith((STAGING_PREFIX, OLD_PREFIX)) or not made_by_us(entry):
            continue
        pid = _pid_of(entry.name)
        if pid is not None and ((pids is not None and pid in pids) or not _alive(pid)):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def is_report_folder(folder: Path) -> bool:
    """Whether ``folder`` may be replaced by a new report: a real folder that is empty or holds this tool's
    status file ``<name>.json`` (with a ``gemeentecode``)."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    try:
        if not any(folder.iterdir()):
            return True
        import json

        data = json.loads((folder / f"{folder.name}.json").read_text(encoding="utf-8"))
        return isinstance(data, dict) and data.get("gemeentecode") == folder.name
    except (OSError, ValueError):
        return False


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@lru_cache(maxsize=1)
def _renameat2() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        func = libc.renameat2
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    return func


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two existing paths (Linux); ``False`` when the system cannot."""
    func = _renameat2()
    if func is None:
        return False
    if func(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EXDEV, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def publish_folder(staged: str | os.PathLike[str], final: str | os.PathLike[str]) -> Path:
    """Replace the folder ``final`` by ``staged`` as a whole and remove the old content.

    With an existing ``final`` the two folders are swapped atomically where the system allows it; otherwise
    the old folder is renamed aside first (a reader may then briefly find no folder, never a mixed one).
    """
    staged, final = Path(staged), Path(final)
    for attempt in range(3):  # another batch may publish the same folder at the same moment
        try:
            return _publish_once(staged, final)
        except OSError as exc:
            if attempt == 2 or exc.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOENT):
                raise
    return final  # pragma: no cover


def _publish_once(staged: Path, final: Path) -> Path:
    if (final.exists() or final.is_symlink()) and not is_report_folder(final):
        raise ForeignEntryError(errno.EEXIST, f"{final.name} in de uitvoermap is niet door dit programma gemaakt "
                                "(een bestand, link of andere map); het is niet aangeraakt", final.name)
    if final.is_dir() and not final.is_symlink():
        if _exchange(staged, final):
            shutil.rmtree(staged, ignore_errors=True)  # holds the old content now
            return final
        aside = final.parent / f"{OLD_PREFIX}{final.name}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        os.rename(final, aside)
        try:
            _mark(aside)  # a kill before the removal below leaves a folder that is provably ours
        except OSError:
            pass
        try:
            os.rename(staged, final)
        except OSError:
            os.rename(aside, final)  # put the old report back
            raise
        shutil.rmtree(aside, ignore_errors=True)
        return final
    os.rename(staged, final)
    return final


# ---------------------------------------------------------------------------------------------- redaction
_PATH = re.compile(r"/(?:(?<![\w.:/~+\\-]/)|(?<=\x1b\[\dm/)|(?<=\x1b\[\d\dm/)|(?<=\x1b\[\d;\d\dm/))"
                   r"(?:[\w.@+~%-]+/)+[\w.@+~%-]*")
"""A local path: not inside a word, URL or base64 text; may follow a terminal colour code (IPython tracebacks)."""


@lru_cache(maxsize=1)
def _private_words() -> tuple[str, ...]:
    words = set()
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001
        user = ""
    if user and len(user) >= 3 and user not in {"root", "user", "nobody"}:
        words.add(user)
    for host in {socket.gethostname(), socket.gethostname().split(".")[0]}:
        if host and len(host) >= 4 and host not in {"localhost"}:
            words.add(host)
    return tuple(sorted(words, key=len, reverse=True))


def _short_path(match: re.Match[str]) -> str:
    text = raw = match.group(0)
    if raw.count("/") < 2:
        return text  # "/x": not a local path
    path = raw.rstrip("/")
    for base in (paths.ROOT,):
        try:
            return str(Path(path).relative_to(base))
        except ValueError:
            pass
    parts = [p for p in path.split("/") if p]
    if "site-packages" in parts:
        return "/".join(parts[parts.index("site-packages"):])
    return "…/" + parts[-1] if parts else text


def redact(text: str) -> str:
    """``text`` without local absolute paths (project files become relative, others ``…/<name>``), user or host."""
    if not text:
        return text
    out = _PATH.sub(_short_path, str(text).replace("file:///", "/"))
    for word in _private_words():
        out = re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", "…", out)
    return out


_TEXT_MIMES = ("text/plain", "text/html", "text/markdown", "application/json")


def _redact_tree(value: Any) -> Any:
    """``value`` (JSON-like: dicts, lists, strings) with every string redacted."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redact_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_tree(v) for v in value]
    return value


def sanitise_notebook(nb: Any, code: str, template: str | os.PathLike[str] | None = None) -> Any:
    """Take local paths out of an executed notebook (in place; also returns it).

    Papermill stores the input and output path and every parameter (``output_dir`` is a local folder) in the
    notebook metadata and in the injected-parameters cell; tracebacks and warnings in outputs name local files.
    """
    meta = nb.get("metadata", {}).get("papermill")
    if isinstance(meta, dict):
        tpl = Path(template) if template else paths.TEMPLATE_NOTEBOOK
        try:
            meta["input_path"] = str(tpl.resolve().relative_to(paths.ROOT))
        except ValueError:
            meta["input_path"] = tpl.name
        meta["output_path"] = f"{code}.ipynb"
        params = meta.get("parameters")
        if isinstance(params, dict) and "output_dir" in params:
            params["output_dir"] = ""
        meta.pop("environment_variables", None)
    for cell in nb.get("cells", []):
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags:
            cell["source"] = re.sub(r"(?m)^output_dir = .*$", 'output_dir = ""', cell.get("source", ""))
        if cell.get("cell_type") != "code":
            continue
        for out in cell.get("outputs", []):
            if "text" in out:
                out["text"] = redact(out["text"] if isinstance(out["text"], str) else "".join(out["text"]))
            if "traceback" in out:
                out["traceback"] = [redact(line) for line in out["traceback"]]
            if "evalue" in out:
                out["evalue"] = redact(out["evalue"])
            if out.get("metadata"):
                out["metadata"] = _redact_tree(out["metadata"])
            data = out.get("data")
            if isinstance(data, dict):
                for mime in _TEXT_MIMES:
                    if isinstance(data.get(mime), str):
                        data[mime] = redact(data[mime])
    return nb
