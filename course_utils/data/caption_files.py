"""Real image-caption data sets on disk: Flickr8k and COCO captions, and image loading.

The captioning model (Show and Tell, Vinyals et al. 2015; Show, Attend and Tell, Xu et al.
2015) trains on images that each come with a few human-written captions. The course ships
only a small generated data set; this module reads the two standard real ones, so that a
student who has them on disk can train the same model on photographs:

* **Flickr8k** (Hodosh, Young & Hockenmaier 2013): 8,091 photos with 5 captions each. The
  original University of Illinois release has two zips: ``Flickr8k_Dataset.zip`` (the
  photos; it unpacks to a folder spelled ``Flicker8k_Dataset``) and ``Flickr8k_text.zip``,
  whose ``Flickr8k.token.txt`` has one caption per line::

      1000268201_693b08cb0e.jpg#0<TAB>A child in a pink dress is climbing up a set of stairs .

  Kaggle mirrors carry the same files; one popular mirror has instead a ``captions.txt``
  in CSV form (``image,caption``), which this module does not read.
* **COCO captions** (Lin et al. 2014; Chen et al. 2015): from cocodataset.org, the
  "2017 Train/Val annotations" zip holds ``annotations/captions_train2017.json`` and
  ``captions_val2017.json``; the photos are the "2017 Train images" / "2017 Val images"
  zips. The JSON lists ``"images"`` (``id``, ``file_name``) and ``"annotations"``
  (``image_id``, ``caption``), about 5 captions per image.

Neither is downloaded by the course: both are large (1 GB for Flickr8k, 19 GB for COCO
train2017) and come with their own terms of use (Flickr8k for research only; COCO images
under their Flickr licences), which each user must accept themselves.

Reading is tolerant where a data set is merely incomplete and strict where a file is
broken. A photo that is listed but absent, or that cannot be decoded, is skipped with one
human-readable message in ``problems``; a malformed caption file raises
:class:`DatasetError` naming the file and line. Typical use::

    captions = read_flickr8k("Flickr8k_text/Flickr8k.token.txt", "Flicker8k_Dataset")
    images, items, problems = load_images(captions, size=64)  # (N, 3, 64, 64) in [0, 1]
    # items[i].captions are the captions of images[i]: encode them with the captioning
    # notebook's tokenizer and train as on the course's own data set.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image, UnidentifiedImageError

from course_utils.data.lines import numbered_lines
from course_utils.errors import DatasetError

_CAPTION_INDEX = re.compile(r"[0-9]+")  # not str.isdigit(), which also accepts "²"


@dataclass(frozen=True)
class CaptionedImage:
    """One image file and its captions, in the order the caption file lists them."""

    path: Path
    captions: tuple[str, ...]


@dataclass
class CaptionSet:
    """Images with their captions, and one message per entry that was skipped."""

    items: list[CaptionedImage]
    problems: list[str] = field(default_factory=list)  # e.g. "…/x.jpg: … does not exist"


def _need_dir(image_dir: Path, what: str) -> None:
    """Raise DatasetError unless ``image_dir`` is a folder; ``what`` says how to get it."""
    if not image_dir.exists():
        raise DatasetError(f"image folder {image_dir} does not exist; {what}")
    if not image_dir.is_dir():
        raise DatasetError(f"{image_dir} is not a folder; pass the folder that holds the images")


def _need_file(path: Path, what: str) -> None:
    """Raise DatasetError unless ``path`` is a file; ``what`` says how to get it."""
    if not path.exists():
        relative = "" if path.is_absolute() else f" (a relative path starts from {Path.cwd()})"
        raise DatasetError(f"{path} does not exist{relative}; {what}")
    if not path.is_file():
        raise DatasetError(f"{path} is not a file; pass the path of the caption file itself")


def _nothing_found(source: Path, image_dir: Path, problems: list[str]) -> DatasetError:
    """The error for a caption file none of whose images could be used."""
    first = f"; the first problem: {problems[0]}" if problems else ""
    return DatasetError(
        f"none of the images listed in {source} can be used ({len(problems)} skipped){first}. "
        f"Check that {image_dir} is the folder that holds the image files themselves"
    )


def read_flickr8k(token_file: str | Path, image_dir: str | Path) -> CaptionSet:
    """Read ``Flickr8k.token.txt`` and pair each caption with its photo in ``image_dir``.

    token_file: lines ``name.jpg#n<TAB>caption``; image_dir: the folder of .jpg files ->
    :class:`CaptionSet` with one item per photo, photos in order of first appearance,
    captions in file order (the ``#n`` index is checked but not used for ordering).

    Blank lines are skipped and ``\\r\\n`` line ends accepted. A listed photo that is not
    in ``image_dir`` is skipped with a message in ``problems``. Raises :class:`DatasetError`
    for a missing file or folder, a malformed line (naming its 1-based number), or when no
    listed photo exists.
    """
    token_file, image_dir = Path(token_file), Path(image_dir)
    _need_file(
        token_file,
        "download Flickr8k_text.zip (University of Illinois release, or a Kaggle mirror), "
        "unzip it and pass the path of Flickr8k.token.txt",
    )
    _need_dir(
        image_dir,
        "download Flickr8k_Dataset.zip, unzip it and pass the folder of .jpg files "
        "(the zip names it Flicker8k_Dataset)",
    )
    captions: dict[str, list[str]] = {}  # insertion order = order of first appearance
    first_line: dict[str, int] = {}
    fix = "the file is damaged, download Flickr8k_text.zip again"
    for number, text in numbered_lines(token_file, "utf-8", fix):
        where = f"{token_file}, line {number}"
        if not text.strip():
            continue
        head, tab, caption = text.partition("\t")
        if not tab:
            hint = (
                " (this looks like the Kaggle captions.txt CSV, which has another layout: "
                "use Flickr8k.token.txt)"
                if number == 1 and text.startswith("image,caption")
                else ""
            )
            raise DatasetError(
                f"{where}: no TAB character; each line must be 'name.jpg#n<TAB>caption'{hint}"
            )
        name, hash_sign, index = head.strip().rpartition("#")
        if not hash_sign or not name or not _CAPTION_INDEX.fullmatch(index):
            raise DatasetError(
                f"{where}: {head!r} does not end in '#n' (the caption number, 0-4); each line "
                "must be 'name.jpg#n<TAB>caption'"
            )
        caption = caption.strip()
        if not caption:
            raise DatasetError(
                f"{where}: the caption of {name}#{index} is empty; fill it in or delete the line"
            )
        captions.setdefault(name, []).append(caption)
        first_line.setdefault(name, number)
    if not captions:
        raise DatasetError(
            f"{token_file} holds no captions (it is empty or only blank lines); "
            "download Flickr8k_text.zip again"
        )
    items, problems = [], []
    for name, texts in captions.items():
        path = image_dir / name
        if path.is_file():
            items.append(CaptionedImage(path, tuple(texts)))
        else:
            problems.append(
                f"{path}: listed in {token_file.name} line {first_line[name]} but the file "
                "does not exist"
            )
    if not items:
        raise _nothing_found(token_file, image_dir, problems)
    return CaptionSet(items, problems)


def _entries(data: dict[str, Any], key: str, fields: tuple[str, ...], where: Path) -> list[dict]:
    """``data[key]`` checked to be a list of objects that each have ``fields``."""
    if key not in data:
        raise DatasetError(
            f'{where} has no "{key}" list; a COCO captions file (captions_train2017.json) '
            'has both "images" and "annotations"'
        )
    entries = data[key]
    if not isinstance(entries, list):
        raise DatasetError(f'{where}: "{key}" must be a list, got {type(entries).__name__}')
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise DatasetError(
                f'{where}: "{key}"[{i}] is a {type(entry).__name__}, not an object with '
                f"{', '.join(repr(f) for f in fields)}"
            )
        missing = [f for f in fields if f not in entry]
        if missing:
            hint = (
                "; this looks like an instances_*.json or person_keypoints_*.json file: pass "
                "captions_train2017.json or captions_val2017.json"
                if key == "annotations" and "caption" in missing
                else ""
            )
            raise DatasetError(
                f'{where}: "{key}"[{i}] has no {", ".join(repr(f) for f in missing)}{hint}'
            )
    return entries


def read_coco_captions(annotations_json: str | Path, image_dir: str | Path) -> CaptionSet:
    """Read a COCO captions JSON file and pair each caption with its photo in ``image_dir``.

    annotations_json: e.g. ``annotations/captions_train2017.json``; image_dir: the folder
    of its photos (``train2017/``) -> :class:`CaptionSet`, images in the order of the
    ``"images"`` list, captions in the order of ``"annotations"``.

    Skipped with a message in ``problems``: an image with no captions, an image whose file
    is missing, an annotation whose ``image_id`` is not in ``"images"``, an empty caption.
    Raises :class:`DatasetError` for a missing file or folder, invalid JSON (with its line
    and column), missing keys, or when no listed image exists.
    """
    annotations_json, image_dir = Path(annotations_json), Path(image_dir)
    _need_file(
        annotations_json,
        "download '2017 Train/Val annotations' from cocodataset.org, unzip it and pass "
        "annotations/captions_train2017.json (or captions_val2017.json)",
    )
    _need_dir(
        image_dir,
        "download '2017 Train images' (or '2017 Val images') from cocodataset.org, unzip it "
        "and pass the train2017 (or val2017) folder",
    )
    name = annotations_json.name
    try:
        data = json.loads(annotations_json.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise DatasetError(
            f"{annotations_json} is not valid JSON: {err.msg} at line {err.lineno}, column "
            f"{err.colno}; the file is probably cut short, download and unzip it again"
        ) from None
    except UnicodeDecodeError as err:
        raise DatasetError(
            f"{annotations_json} is not UTF-8 text (byte {err.object[err.start]:#04x} at offset "
            f"{err.start}); pass the .json file itself, not the .zip, and unzip it again if it "
            "is damaged"
        ) from None
    if not isinstance(data, dict):
        raise DatasetError(
            f'{annotations_json} holds a JSON {type(data).__name__}, not an object with "images" '
            'and "annotations"; pass a COCO captions file such as captions_train2017.json'
        )
    images = _entries(data, "images", ("id", "file_name"), annotations_json)
    annotations = _entries(data, "annotations", ("image_id", "caption"), annotations_json)

    captions: dict[Any, list[str]] = {}  # image id -> captions
    for i, image in enumerate(images):
        if not isinstance(image["id"], (int, str)) or not isinstance(image["file_name"], str):
            raise DatasetError(
                f'{annotations_json}: "images"[{i}] needs an integer "id" and a string '
                f'"file_name", got {image["id"]!r} and {image["file_name"]!r}'
            )
        if image["id"] in captions:
            raise DatasetError(
                f'{annotations_json}: image id {image["id"]!r} appears twice in "images" '
                f"(again at index {i}); ids must be unique, download the file again"
            )
        captions[image["id"]] = []
    problems = []
    for i, annotation in enumerate(annotations):
        image_id, caption = annotation["image_id"], annotation["caption"]
        label = f'annotation id {annotation.get("id", "?")!r} ("annotations"[{i}])'
        if not isinstance(caption, str):
            raise DatasetError(
                f"{annotations_json}: {label} has a caption of type {type(caption).__name__}; "
                "captions must be strings"
            )
        if not isinstance(image_id, (int, str)) or image_id not in captions:
            problems.append(f'{name}: {label} points at image_id {image_id!r}, not in "images"')
        elif not caption.strip():
            problems.append(f"{name}: {label} for image_id {image_id!r} has an empty caption")
        else:
            captions[image_id].append(caption.strip())  # COCO captions often end in " \n"

    items = []
    for image in images:
        path, texts = image_dir / image["file_name"], captions[image["id"]]
        if not texts:
            problems.append(f"{path}: image id {image['id']!r} in {name} has no captions")
        elif not path.is_file():
            problems.append(
                f"{path}: listed in {name} (image id {image['id']!r}) but the file does not exist"
            )
        else:
            items.append(CaptionedImage(path, tuple(texts)))
    if not items:
        raise _nothing_found(annotations_json, image_dir, problems)
    return CaptionSet(items, problems)


def _check_size(size: int) -> None:
    """Raise ValueError unless ``size`` is a positive int."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"size must be a positive int (pixels per side), got {size!r}")


def load_image(path: str | Path, size: int = 64) -> torch.Tensor:
    """Decode an image file as RGB and resize it (bilinear) to a square.

    path: any format Pillow reads (JPEG, PNG, ...), in any mode (grayscale, palette, RGBA:
    transparency is dropped) -> (3, size, size) float32 in [0, 1]. The aspect ratio is not
    kept, as in the course's captioning model. Raises :class:`DatasetError` for a missing
    file or one that cannot be decoded (not an image, truncated, damaged).
    """
    _check_size(size)
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"{path} does not exist or is not a file; check the path")
    try:
        with Image.open(path) as img:
            img.load()  # decode now: Image.open only reads the header, so a cut file passes it
            rgb = img.convert("RGB").resize((size, size), Image.Resampling.BILINEAR)
    except Image.DecompressionBombError as err:
        # Pillow refuses images whose header declares more pixels than it deems safe to decode.
        raise DatasetError(
            f"{path} declares too many pixels to decode safely ({err}); it is damaged or not "
            "a photo of this dataset: delete it to skip it"
        ) from None
    except (UnidentifiedImageError, OSError) as err:
        raise DatasetError(
            f"{path} cannot be decoded as an image ({err}); it is damaged or not an image: "
            "download it again, or delete it to skip it"
        ) from None
    pixels = np.asarray(rgb, dtype=np.float32) / 255.0  # (size, size, 3) in [0, 1]
    return torch.from_numpy(pixels).permute(2, 0, 1).contiguous()  # (3, size, size)


def load_images(
    caption_set: CaptionSet, size: int = 64
) -> tuple[torch.Tensor, list[CaptionedImage], list[str]]:
    """Load every image of ``caption_set``, skipping the ones that cannot be decoded.

    caption_set: from :func:`read_flickr8k` or :func:`read_coco_captions`; size: pixels per
    side -> (images, items, problems): images (N, 3, size, size) float32 in [0, 1]; items
    the N kept :class:`CaptionedImage`, ``items[i]`` belonging to ``images[i]``, in the
    original order; problems ``caption_set.problems`` plus one message per skipped image.

    Memory is N * 3 * size**2 * 4 bytes (48 KiB per image at size 64: 0.4 GB for Flickr8k,
    5.8 GB for COCO train2017; pass a subset, ``CaptionSet(items[:n])``, to use less).
    Raises :class:`DatasetError` when no image can be loaded.
    """
    _check_size(size)
    n = len(caption_set.items)
    if n == 0:
        raise DatasetError("the caption set has no items, so there are no images to load")
    images = torch.empty((n, 3, size, size), dtype=torch.float32)  # filled in place: no 2x peak
    kept: list[CaptionedImage] = []
    problems = list(caption_set.problems)  # a copy: the caller's CaptionSet is not changed
    for item in caption_set.items:
        try:
            images[len(kept)] = load_image(item.path, size)
        except DatasetError as err:
            problems.append(str(err))
            continue
        kept.append(item)
    if not kept:
        first = problems[-n]  # the first image's own message, after the set's earlier problems
        raise DatasetError(f"none of the {n} images could be loaded; the first: {first}")
    if len(kept) < n:
        images = images[: len(kept)].clone()  # release the rows of the skipped images
    return images, kept, problems
