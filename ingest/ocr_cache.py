"""Content-addressed OCR cache: the same page image is never OCR'd twice.

Key = sha256 over the image's mode, size, palette and raw pixels, plus the language hint ("auto"
when the languages are detected), the Tesseract version and `ocr.PIPELINE_VERSION` (bumped when
preprocessing or text assembly changes). Raw pixels rather than file bytes: a re-rendered PDF page
or a re-saved PNG with the same pixels hits the cache, and nothing has to be PNG-encoded to ask.

Layout: `<root>/ab/abcdef….json` (root is typically `<data>/ocr-cache`), each file an OcrResult as
JSON, written to a temporary file in the same folder and moved into place with os.replace, so a
reader never sees a half-written entry and concurrent writers of the same key are harmless. A file
that cannot be read or parsed is a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from PIL import Image

from ingest.ocr import PIPELINE_VERSION, OcrResult, tesseract_version


def image_digest(image: Image.Image) -> str:
    digest = hashlib.sha256()
    digest.update(f"{image.mode}|{image.width}x{image.height}|".encode())
    if image.mode in ("P", "PA"):
        digest.update(bytes(image.getpalette() or []))
    digest.update(image.tobytes())
    return digest.hexdigest()


class OcrCache:
    def __init__(self, root: Path | str, engine: str | None = None):
        self.root = Path(root)
        self._engine = engine

    @property
    def engine(self) -> str:
        if self._engine is None:
            self._engine = f"tesseract-{tesseract_version()}|pipeline-{PIPELINE_VERSION}"
        return self._engine

    def key(self, image: Image.Image, langs: str | None) -> str:
        material = f"{image_digest(image)}|{langs or 'auto'}|{self.engine}"
        return hashlib.sha256(material.encode()).hexdigest()

    def path_for(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get_key(self, key: str) -> OcrResult | None:
        try:
            with open(self.path_for(key), encoding="utf-8") as handle:
                return OcrResult.from_dict(json.load(handle))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put_key(self, key: str, result: OcrResult) -> None:
        target = self.path_for(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        payload = dict(result.to_dict(), engine=self.engine)
        handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, prefix=".tmp-",
                                             suffix=".json", delete=False)
        try:
            with handle:
                json.dump(payload, handle, ensure_ascii=False)
            os.replace(handle.name, target)
        except BaseException:
            try:
                os.unlink(handle.name)
            except OSError:
                pass
            raise

    def get(self, image: Image.Image, langs: str | None) -> OcrResult | None:
        return self.get_key(self.key(image, langs))

    def put(self, image: Image.Image, langs: str | None, result: OcrResult) -> None:
        self.put_key(self.key(image, langs), result)

    def __len__(self) -> int:
        return sum(1 for _ in self.root.glob("??/*.json")) if self.root.exists() else 0
