"""Static files for weak 4G: compressed, and cached for a year under a name holding their hash.

At start-up every asset a page links (our static/ and each blueprint's static folder, such as
Leaflet's) is copied as `<name>.<hash>.<ext>` into STATIC_BUILD_DIR (default: the instance
folder's static-build/) with its brotli and gzip forms, made by WhiteNoise's Compressor. WhiteNoise
serves those copies with `Cache-Control: immutable` for a year, choosing the smallest form the
phone accepts; `url_for('static', filename=...)` answers the hashed name. A changed file gets a
new name, so a phone never keeps an old one. Anything else (fonts for the PDFs, Leaflet's
images asked by its CSS) is served by Flask as before, revalidated on every use.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

#: what a page links: styles, scripts, icons and the app manifest
LINKED = {".css", ".js", ".svg", ".ico", ".png", ".webmanifest", ".json"}
#: Leaflet's unminified sources and source maps: no page links them
UNLINKED = re.compile(r"-src\b|\.map$")
HASH_LENGTH = 12


class StaticBuild:
    """The hashed copies of one app's static files, by endpoint and file name."""

    def __init__(self, build_dir: Path) -> None:
        self.build_dir = build_dir
        #: endpoint -> {filename as linked: hashed filename}
        self.names: dict[str, dict[str, str]] = {}
        #: URL path -> hashed copy on disk, for WhiteNoise
        self.files: dict[str, Path] = {}
        self.compressor = Compressor(quiet=True)

    def add_folder(self, endpoint: str, folder: Path, url_path: str) -> None:
        """Copy and compress every linked asset of a static folder (once per content)."""
        names = self.names.setdefault(endpoint, {})
        for source in sorted(folder.rglob("*")):
            relative = source.relative_to(folder).as_posix()
            if not source.is_file() or source.suffix not in LINKED or UNLINKED.search(relative):
                continue
            data = source.read_bytes()
            digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
            stem, dot, suffix = relative.rpartition(".")
            hashed = f"{stem}.{digest}.{suffix}" if dot else f"{relative}.{digest}"
            target = self.build_dir / url_path.strip("/") / hashed
            if not target.exists():  # the name holds the content: an existing copy is current
                self._write(target, data)
            names[relative] = hashed
            self.files[f"{url_path.rstrip('/')}/{hashed}"] = target

    def _write(self, target: Path, data: bytes) -> None:
        """Write a copy and its compressed forms; each appears whole (other processes read)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
            staged = Path(scratch) / target.name
            staged.write_bytes(data)
            made = [Path(name) for name in self.compressor.compress(str(staged))] \
                if self.compressor.should_compress(target.name) else []
            # The copy last: its presence says the compressed forms are there too.
            for path in [*made, staged]:
                os.replace(path, target.parent / path.name)

    def hashed_name(self, endpoint: str, filename: str) -> str:
        """Return the hashed name of a linked file, or the name itself for any other."""
        return self.names.get(endpoint, {}).get(filename, filename)


def _no_sniffing(headers, path: str, url: str) -> None:
    """Static files are taken as the type they are served as, never guessed from content."""
    headers["X-Content-Type-Options"] = "nosniff"


def init_app(app: Flask) -> None:
    """Build the hashed copies, serve them through WhiteNoise and link them in url_for."""
    if not app.config["STATIC_HASHED"]:
        return
    build_dir = Path(app.config["STATIC_BUILD_DIR"] or Path(app.instance_path) / "static-build")
    build = StaticBuild(build_dir)
    if app.static_folder:
        build.add_folder("static", Path(app.static_folder), app.static_url_path)
    for name, blueprint in app.blueprints.items():
        if blueprint.has_static_folder:
            url_path = (blueprint.url_prefix or "") + blueprint.static_url_path
            build.add_folder(f"{name}.static", Path(blueprint.static_folder), url_path)

    # Only the hashed copies go through WhiteNoise; every other URL reaches Flask.
    server = WhiteNoise(app.wsgi_app, max_age=0, allow_all_origins=False,
                        immutable_file_test=lambda path, url: url in build.files,
                        add_headers_function=_no_sniffing)
    for url, path in build.files.items():
        server.add_file_to_dictionary(url, str(path))
    app.wsgi_app = server
    app.extensions["static_build"] = build

    @app.url_defaults
    def _hashed_static_name(endpoint: str, values: dict) -> None:
        if endpoint in build.names and "filename" in values:
            values["filename"] = build.hashed_name(endpoint, values["filename"])
