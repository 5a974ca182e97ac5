import warnings

import numpy as np
import pytest
import torch

from course_utils.data.scenes import (
    HELD_OUT_PAIRS,
    Scene,
    SceneObject,
    ScenesConfig,
    load_scenes,
    random_scene,
    render,
)

SMALL = ScenesConfig(train=60, valid=10, test=20, novel=10, image_size=32, seed=1)


def test_captions_name_both_objects_in_both_orders():
    scene = Scene(
        SceneObject("circle", "red", "small"), "above", SceneObject("square", "blue", "large")
    )
    assert scene.captions() == (
        "a small red circle above a large blue square",
        "a large blue square below a small red circle",
        "there is a small red circle above a large blue square",
        "there is a large blue square below a small red circle",
    )


def test_render_puts_each_object_where_the_relation_says():
    rng = np.random.default_rng(0)
    red, blue = SceneObject("square", "red", "large"), SceneObject("circle", "blue", "small")
    for relation, axis, sign in [
        ("left of", 1, 1),
        ("right of", 1, -1),
        ("above", 0, 1),
        ("below", 0, -1),
    ]:
        image = render(Scene(red, relation, blue), rng).astype(int)
        is_red = (image[..., 0] > 180) & (image[..., 2] < 80)
        is_blue = (image[..., 2] > 180) & (image[..., 0] < 80)
        red_at = np.argwhere(is_red).mean(0)[axis]
        blue_at = np.argwhere(is_blue).mean(0)[axis]
        assert sign * (blue_at - red_at) > 15, relation  # clearly apart along the relation's axis
        other = 1 - axis
        assert abs(np.argwhere(is_red).mean(0)[other] - np.argwhere(is_blue).mean(0)[other]) < 8


def test_splits_are_cached_reproducible_and_novel_pairs_stay_out_of_training(tmp_path):
    first = load_scenes(SMALL, cache_dir=tmp_path)
    assert len(list((tmp_path / "scenes").glob("*.npz"))) == 1
    again = load_scenes(SMALL, cache_dir=tmp_path)  # from the cache
    assert torch.equal(first["train"].images, again["train"].images)
    assert first["train"].scenes == again["train"].scenes
    assert (
        first["test"].images.shape == (20, 3, 32, 32) and first["test"].images.dtype == torch.uint8
    )
    assert not any(s.is_novel() for name in ("train", "valid", "test") for s in first[name].scenes)
    assert all(s.is_novel() for s in first["novel"].scenes)
    for s in first["novel"].scenes:
        assert {(o.colour, o.shape) for o in (s.first, s.second)} & HELD_OUT_PAIRS


def test_a_damaged_cache_is_regenerated_with_a_warning(tmp_path):
    load_scenes(SMALL, cache_dir=tmp_path)
    path = next((tmp_path / "scenes").glob("*.npz"))
    path.write_bytes(b"garbage")
    with pytest.warns(UserWarning, match="damaged"):
        data = load_scenes(SMALL, cache_dir=tmp_path)
    assert len(data["train"]) == 60
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_scenes(SMALL, cache_dir=tmp_path)  # the rewritten cache is fine


def test_random_scenes_never_repeat_an_object():
    rng = np.random.default_rng(0)
    assert all(s.first != s.second for s in (random_scene(rng) for _ in range(500)))
