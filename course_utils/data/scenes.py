"""Generated scenes for image captioning: two shapes on a canvas, and what a person would say.

Each image (64 x 64 RGB by default) shows two objects, each a **shape** (circle, square,
triangle) with a **colour** (red, green, blue, yellow) and a **size** (small, large), one
left of / right of / above / below the other, on a slightly noisy background. Its reference
captions come from a small grammar, four per image, e.g.

    a small red circle above a large blue square
    a large blue square below a small red circle
    there is a small red circle above a large blue square
    there is a large blue square below a small red circle

so BLEU against several references rewards any correct phrasing. The data are rendered
with numpy from a seed, so nothing is downloaded and every run sees the same images.

**Generalisation.** Some colour-shape pairs (``HELD_OUT_PAIRS``, e.g. a green triangle) never
occur in training. The ``novel`` split consists of scenes that contain one, so a model
that only memorised whole objects fails there while a model that composes colour and shape
does not.

Generated on first use and cached as ``scenes-<settings>.npz`` under the data cache
(``data/cache`` or ``$COURSE_DATA_DIR``); a damaged cache file is regenerated.
"""

from __future__ import annotations

import json
import warnings
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from course_utils.atomic import atomic_write
from course_utils.data.cache import default_cache_dir

SHAPES = ("circle", "square", "triangle")
COLOURS = {
    "red": (220, 40, 40),
    "green": (40, 170, 60),
    "blue": (40, 80, 220),
    "yellow": (230, 200, 30),
}
SIZES = {"small": 6, "large": 11}  # radius in pixels at size 64 (scaled with the image)
RELATIONS = {"left of": "right of", "right of": "left of", "above": "below", "below": "above"}
HELD_OUT_PAIRS = frozenset({("green", "triangle"), ("yellow", "circle")})


@dataclass(frozen=True)
class SceneObject:
    shape: str
    colour: str
    size: str

    def phrase(self) -> str:
        return f"a {self.size} {self.colour} {self.shape}"


@dataclass(frozen=True)
class Scene:
    """Two objects and how the first stands to the second ("left of", "above", ...)."""

    first: SceneObject
    relation: str
    second: SceneObject

    def captions(self) -> tuple[str, ...]:
        """The four reference captions: both orders, with and without "there is"."""
        forward = f"{self.first.phrase()} {self.relation} {self.second.phrase()}"
        backward = f"{self.second.phrase()} {RELATIONS[self.relation]} {self.first.phrase()}"
        return forward, backward, f"there is {forward}", f"there is {backward}"

    def is_novel(self) -> bool:
        """True if an object is a colour-shape pair held out of training."""
        return any((o.colour, o.shape) in HELD_OUT_PAIRS for o in (self.first, self.second))


def _random_object(rng: np.random.Generator) -> SceneObject:
    return SceneObject(
        str(rng.choice(SHAPES)), str(rng.choice(list(COLOURS))), str(rng.choice(list(SIZES)))
    )


def random_scene(rng: np.random.Generator) -> Scene:
    """Two different objects and a relation, uniformly at random."""
    first = _random_object(rng)
    second = _random_object(rng)
    while second == first:  # "a red circle above a red circle" would be ambiguous
        second = _random_object(rng)
    return Scene(first, str(rng.choice(list(RELATIONS))), second)


def _draw(canvas: np.ndarray, obj: SceneObject, cx: float, cy: float, scale: float) -> None:
    """Paint ``obj`` centred at (cx, cy) onto canvas (H, W, 3) uint8, in place."""
    r = SIZES[obj.size] * scale
    ys, xs = np.mgrid[: canvas.shape[0], : canvas.shape[1]]
    dx, dy = xs - cx, ys - cy
    if obj.shape == "circle":
        inside = dx**2 + dy**2 <= r**2
    elif obj.shape == "square":
        inside = (np.abs(dx) <= 0.85 * r) & (np.abs(dy) <= 0.85 * r)
    else:  # triangle, point up: the half-width grows from 0 at the top to r at the base
        inside = (dy >= -r) & (dy <= r) & (np.abs(dx) <= (dy + r) / 2)
    canvas[inside] = COLOURS[obj.colour]


def render(scene: Scene, rng: np.random.Generator, size: int = 64) -> np.ndarray:
    """Draw a scene at random positions that respect its relation -> (size, size, 3) uint8."""
    scale = size / 64
    shade = rng.integers(200, 256)  # a light background, a little different every image
    canvas = np.full((size, size, 3), shade, dtype=np.int16)
    canvas += rng.integers(-12, 13, size=canvas.shape, dtype=np.int16)  # sensor-like noise
    canvas = canvas.clip(0, 255).astype(np.uint8)
    # The first object in its half, the second in the other. Across the other axis they stay
    # nearly level, so "left of" never also looks like "above" (a caption must be decidable).
    near, far = rng.uniform(14, 22) * scale, rng.uniform(42, 50) * scale
    a = rng.uniform(22, 42) * scale
    b = a + rng.uniform(-5, 5) * scale
    if scene.relation in ("left of", "right of"):
        (x1, x2) = (near, far) if scene.relation == "left of" else (far, near)
        positions = [(x1, a), (x2, b)]
    else:
        (y1, y2) = (near, far) if scene.relation == "above" else (far, near)
        positions = [(a, y1), (b, y2)]
    for obj, (cx, cy) in zip((scene.first, scene.second), positions):
        _draw(canvas, obj, cx, cy, scale)
    return canvas


@dataclass(frozen=True)
class ScenesConfig:
    """How many scenes of each split, at what size, from which seed."""

    train: int = 8000
    valid: int = 500
    test: int = 1000  # scenes of the training distribution, never seen
    novel: int = 500  # scenes with a held-out colour-shape pair
    image_size: int = 64
    seed: int = 0


@dataclass
class SceneSplit:
    """Images (N, 3, S, S) uint8 (a quarter of float32's memory), scenes, reference captions."""

    images: torch.Tensor
    scenes: list[Scene]
    captions: list[tuple[str, ...]] = field(init=False)  # the references of each scene

    def __post_init__(self) -> None:
        self.captions = [s.captions() for s in self.scenes]  # once, not on every access

    def __len__(self) -> int:
        return len(self.scenes)


def _generate(config: ScenesConfig) -> dict[str, tuple[np.ndarray, list[Scene]]]:
    rng = np.random.default_rng(config.seed)
    wanted = {"train": config.train, "valid": config.valid, "test": config.test}
    splits: dict[str, list[Scene]] = {name: [] for name in (*wanted, "novel")}
    while any(len(splits[n]) < k for n, k in wanted.items()) or len(splits["novel"]) < config.novel:
        scene = random_scene(rng)
        if scene.is_novel():
            if len(splits["novel"]) < config.novel:
                splits["novel"].append(scene)
            continue
        for name, k in wanted.items():  # fill train first, then valid, then test
            if len(splits[name]) < k:
                splits[name].append(scene)
                break
    return {
        name: (np.stack([render(s, rng, config.image_size) for s in scenes]), scenes)
        for name, scenes in splits.items()
    }


def _save(path: Path, data: dict, config: ScenesConfig) -> None:
    """Write all splits to one .npz, atomically (a crash never leaves half a file)."""
    arrays = {f"{name}_images": images for name, (images, _) in data.items()}
    meta = {
        name: [[asdict(s.first), s.relation, asdict(s.second)] for s in scenes]
        for name, (_, scenes) in data.items()
    }
    arrays["meta"] = np.frombuffer(
        json.dumps({"config": asdict(config), "scenes": meta}).encode(), dtype=np.uint8
    )
    atomic_write(path, lambda f: np.savez_compressed(f, **arrays))


def _read(path: Path, config: ScenesConfig) -> dict[str, tuple[np.ndarray, list[Scene]]]:
    with np.load(path) as npz:
        meta = json.loads(npz["meta"].tobytes().decode())
        if meta["config"] != asdict(config):
            raise ValueError("cache was written for other settings")
        out = {}
        for name, rows in meta["scenes"].items():
            scenes = [Scene(SceneObject(**a), rel, SceneObject(**b)) for a, rel, b in rows]
            images = npz[f"{name}_images"]
            if len(images) != len(scenes):
                raise ValueError(f"{name}: {len(images)} images for {len(scenes)} scenes")
            out[name] = (images, scenes)
    return out


def load_scenes(
    config: ScenesConfig = ScenesConfig(), cache_dir: str | Path | None = None
) -> dict[str, SceneSplit]:
    """The train / valid / test / novel splits, generated on first use and cached."""
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    c = config
    path = (
        cache
        / "scenes"
        / f"scenes-{c.train}-{c.valid}-{c.test}-{c.novel}-{c.image_size}px-seed{c.seed}.npz"
    )
    data = None
    if path.exists():
        try:
            data = _read(path, config)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as err:
            warnings.warn(f"{path} is damaged ({err}); generating the scenes again", stacklevel=2)
    if data is None:
        data = _generate(config)
        _save(path, data, config)
    return {
        name: SceneSplit(torch.from_numpy(images).permute(0, 3, 1, 2).contiguous(), scenes)
        for name, (images, scenes) in data.items()
    }
