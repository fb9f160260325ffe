"""Prove the README's promise on a bare Debian: only Python, venv and git, then the two commands.

Run through ``python3 noxfile.py -s frisch`` (as root on Debian, with ``debootstrap``). The script

1. creates a bare Debian root with debootstrap (``python3``, ``python3-venv``, ``git``,
   ``ca-certificates`` and nothing else), from the same Debian mirror and release as the host's
   apt configuration, so no host name is written into this repository;
2. passes the host's CA bundle and its certificate variables through (a proxy that re-signs
   TLS needs them inside the root as well);
3. clones the committed state of this repository into the root, as an ordinary user;
4. runs the README's two Quickstart commands there, in a clean environment;
5. unmounts everything it mounted, also when a step fails, and prints the time of each step.

The root lives in ``_build/frisch/`` and is recreated on every run. Before anything is deleted,
the script makes sure that nothing is still mounted below the root (deleting through a
leftover bind mount of ``/dev`` would harm the host).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("python3", "python3-venv", "git", "ca-certificates")
USER = "nutzer"
UID = 1000
#: The README's Quickstart, checked against README.md before the run.
QUICKSTART = ("python3 noxfile.py -s build", "python3 noxfile.py -s tests")
#: Certificate variables passed into the root, all pointing at the copied host bundle.
CERT_VARIABLES = ("SSL_CERT_FILE", "PIP_CERT", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "GIT_SSL_CAINFO")
#: Other variables worth passing through when the host sets them.
PASS_THROUGH = ("PIP_DEFAULT_TIMEOUT", "PIP_INDEX_URL", "UV_INDEX_URL", "UV_DEFAULT_INDEX", "UV_HTTP_TIMEOUT")


class FreshMachineError(Exception):
    """A German message for the user; the run stops with it."""


def tool(name: str) -> str:
    """Full path of a system command; sbin folders count even when PATH leaves them out."""
    search = os.pathsep.join([os.environ.get("PATH", ""), "/usr/local/sbin", "/usr/sbin", "/sbin"])
    found = shutil.which(name, path=search)
    if not found:
        raise FreshMachineError(f"Der Befehl „{name}“ fehlt auf diesem Rechner (Debian: apt-get install {name}).")
    return found


def say(text: str) -> None:
    print(f"[frisch] {text}", flush=True)


def apt_source(sources_dir: Path = Path("/etc/apt")) -> str:
    """The first Debian mirror URI of the host's apt configuration (deb822 or one-line format)."""
    parts = sources_dir / "sources.list.d"
    deb822 = sorted(parts.glob("*.sources")) if parts.is_dir() else []
    one_line = [sources_dir / "sources.list", *(sorted(parts.glob("*.list")) if parts.is_dir() else [])]
    patterns = [(path, r"^URIs:\s*(\S+)") for path in deb822]
    patterns += [(path, r"^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+") for path in one_line]
    for path, pattern in patterns:
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            match = re.match(pattern, line)
            if match and "security" not in match.group(1):
                return match.group(1)
    raise FreshMachineError("In der apt-Konfiguration dieses Rechners ist keine Debian-Paketquelle eingetragen.")


def host_release(os_release: Path = Path("/etc/os-release")) -> str:
    """The codename of the host's Debian release (e.g. ``bookworm``)."""
    values = {}
    if os_release.is_file():
        for line in os_release.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            values[key] = value.strip().strip('"')
    if values.get("ID") != "debian" or not values.get("VERSION_CODENAME"):
        raise FreshMachineError("Die Prüfung auf einem frischen Rechner läuft nur auf Debian (mit debootstrap).")
    return values["VERSION_CODENAME"]


def mounts_below(path: Path, mounts_file: Path = Path("/proc/mounts")) -> list[Path]:
    """Mount points at or below ``path``, deepest first (the order to unmount them)."""
    target = path.resolve()
    found = []
    for line in mounts_file.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if len(fields) < 2:
            continue
        point = Path(fields[1].replace("\\040", " "))
        if point == target or target in point.parents:
            found.append(point)
    return sorted(set(found), key=lambda p: len(p.parts), reverse=True)


def unmount_all(path: Path) -> None:
    for point in mounts_below(path):
        subprocess.run([tool("umount"), "-l", str(point)], check=False)
    left = mounts_below(path)
    if left:
        raise FreshMachineError(
            f"Unter {path} ist noch eingehängt: {', '.join(map(str, left))}. Bitte von Hand aushängen."
        )


def remove_root(path: Path) -> None:
    """Delete an old root, but only when nothing is mounted below it."""
    if not path.exists():
        return
    unmount_all(path)
    shutil.rmtree(path)


@contextmanager
def mounted(root: Path) -> Iterator[None]:
    """/proc, /dev, /dev/pts and /dev/shm inside the root for the duration of the block."""
    try:
        for args in (
            ["-t", "proc", "proc", str(root / "proc")],
            ["--bind", "/dev", str(root / "dev")],
            ["--bind", "/dev/pts", str(root / "dev/pts")],
            # Python's multiprocessing needs a writable /dev/shm (the PDF builder uses processes).
            ["-t", "tmpfs", "-o", "mode=1777", "tmpfs", str(root / "dev/shm")],
        ):
            subprocess.run([tool("mount"), *args], check=True)
        yield
    finally:
        unmount_all(root)


def check_readme() -> None:
    """The commands this script runs are the README's Quickstart, word for word."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in QUICKSTART:
        if command not in readme:
            raise FreshMachineError(f"Der Befehl „{command}“ steht nicht mehr im Schnellstart der README.")


def run(command: list[str], step: str, timings: dict[str, float], env: dict[str, str] | None = None) -> None:
    say(f"{step} …")
    start = time.monotonic()
    result = subprocess.run(command, env=env, check=False)
    timings[step] = time.monotonic() - start
    if result.returncode != 0:
        raise FreshMachineError(f"Schritt „{step}“ ist gescheitert (Exit-Code {result.returncode}).")
    say(f"{step}: {timings[step]:.0f} s")


def clean_env(bundle_inside: str | None) -> dict[str, str]:
    env = {
        "HOME": f"/home/{USER}",
        "USER": USER,
        "LOGNAME": USER,
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "TERM": "dumb",
    }
    if bundle_inside:
        env.update(dict.fromkeys(CERT_VARIABLES, bundle_inside))
    env.update({name: os.environ[name] for name in PASS_THROUGH if os.environ.get(name)})
    return env


def prepare_root(root: Path, mirror: str, release: str, timings: dict[str, float]) -> str | None:
    packages = ",".join(PACKAGES)
    run([tool("debootstrap"), "--variant=minbase", f"--include={packages}", release, str(root), mirror],
        "debootstrap (bares Debian mit Python, venv und git)", timings)  # fmt: skip
    for name in ("resolv.conf", "hosts"):
        if Path("/etc", name).is_file():
            shutil.copyfile(Path("/etc", name), root / "etc" / name)
    bundle_inside = None
    host_bundle = os.environ.get("SSL_CERT_FILE") or os.environ.get("PIP_CERT")
    if host_bundle and Path(host_bundle).is_file():
        bundle_inside = "/usr/local/share/ca-certificates-host.crt"
        shutil.copyfile(host_bundle, root / bundle_inside.lstrip("/"))
    subprocess.run([tool("chroot"), str(root), "useradd", "--create-home", "--uid", str(UID), USER], check=True)
    return bundle_inside


def clone_project(root: Path) -> Path:
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain"], capture_output=True, text=True, check=True
    )
    if dirty.stdout.strip():
        say("Hinweis: Nicht eingecheckte Änderungen sind nicht Teil der Prüfung (es zählt der letzte Commit).")
    target = root / "home" / USER / "projekt"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(target)], check=True)
    subprocess.run([tool("chroot"), str(root), "chown", "-R", f"{USER}:{USER}", f"/home/{USER}/projekt"], check=True)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Die zwei Befehle der README auf einem bloßen Debian prüfen.")
    parser.add_argument("--arbeitsordner", type=Path, default=ROOT / "_build" / "frisch")
    parser.add_argument("--behalten", action="store_true", help="das Wurzelverzeichnis danach nicht löschen")
    args = parser.parse_args(argv)
    timings: dict[str, float] = {}
    root = args.arbeitsordner.resolve() / "wurzel"
    try:
        if os.geteuid() != 0:
            raise FreshMachineError("Die Prüfung braucht Root-Rechte (debootstrap, chroot, mount).")
        tool("debootstrap")
        check_readme()
        release, mirror = host_release(), apt_source()
        remove_root(root)
        root.parent.mkdir(parents=True, exist_ok=True)
        bundle_inside = prepare_root(root, mirror, release, timings)
        clone_project(root)
        env = clean_env(bundle_inside)
        with mounted(root):
            for command in QUICKSTART:
                shell = f"cd /home/{USER}/projekt && {command}"
                run([tool("chroot"), f"--userspec={USER}:{USER}", str(root), "/bin/sh", "-c", shell],
                    f"README: {command}", timings, env=env)  # fmt: skip
    except FreshMachineError as error:
        say(f"FEHLER: {error}")
        return 1
    except (subprocess.CalledProcessError, OSError) as error:
        say(f"FEHLER: Ein Systembefehl ist gescheitert: {error}")
        return 1
    finally:
        if not args.behalten and root.exists():
            try:
                remove_root(root)
            except FreshMachineError as error:
                say(f"FEHLER beim Aufräumen: {error}")
    say("Bestanden: beide Befehle der README laufen auf einem bloßen Debian ({}).".format(
        ", ".join(f"{step}: {seconds:.0f} s" for step, seconds in timings.items())))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
