import json

import numpy as np
import pytest
import torch
from PIL import Image

from course_utils.data import (
    CaptionedImage,
    CaptionSet,
    load_image,
    load_images,
    read_coco_captions,
    read_flickr8k,
)
from course_utils.errors import DatasetError

RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)


def solid(path, colour=RED, mode="RGB"):
    """Write a 10x8 solid-colour image (format from the suffix) and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shape = (8, 10, 3) if mode == "RGB" else (8, 10)
    Image.fromarray(np.full(shape, colour, dtype=np.uint8), mode=mode).save(path)
    return path


# --- Flickr8k ----------------------------------------------------------------------------


def flickr(tmp_path, lines, images=("a.jpg", "b.jpg", "c.jpg")):
    """A token file with ``lines`` and a folder holding ``images``; returns both paths."""
    image_dir = tmp_path / "Flicker8k_Dataset"
    image_dir.mkdir()
    for name, colour in zip(images, (RED, GREEN, BLUE, RED)):
        solid(image_dir / name, colour)
    token_file = tmp_path / "Flickr8k.token.txt"
    token_file.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return token_file, image_dir


SIX = [
    "a.jpg#0\tA red thing .",
    "a.jpg#1\tSomething red .",
    "b.jpg#0\tA green thing .",
    "c.jpg#0\tA blue thing .",
    "b.jpg#1\tSomething green .",
    "c.jpg#1\tSomething blue .",
]


def test_flickr8k_groups_captions_in_file_order(tmp_path):
    token_file, image_dir = flickr(tmp_path, SIX)
    result = read_flickr8k(token_file, image_dir)
    assert result.problems == []
    assert result.items == [
        CaptionedImage(image_dir / "a.jpg", ("A red thing .", "Something red .")),
        CaptionedImage(image_dir / "b.jpg", ("A green thing .", "Something green .")),
        CaptionedImage(image_dir / "c.jpg", ("A blue thing .", "Something blue .")),
    ]


def test_flickr8k_accepts_str_paths_crlf_and_blank_lines(tmp_path):
    token_file, image_dir = flickr(tmp_path, [])
    token_file.write_bytes(b"\xef\xbb\xbfa.jpg#0\tA red thing .\r\n\r\na.jpg#1\t Red . \r\n")
    result = read_flickr8k(str(token_file), str(image_dir))
    assert result.items == [CaptionedImage(image_dir / "a.jpg", ("A red thing .", "Red ."))]


def test_flickr8k_missing_image_is_skipped_with_a_problem(tmp_path):
    token_file, image_dir = flickr(tmp_path, SIX, images=("a.jpg", "c.jpg"))
    result = read_flickr8k(token_file, image_dir)
    assert [item.path.name for item in result.items] == ["a.jpg", "c.jpg"]
    assert result.problems == [
        f"{image_dir / 'b.jpg'}: listed in Flickr8k.token.txt line 3 but the file does not exist"
    ]


@pytest.mark.parametrize(
    "bad, message",
    [
        ("b.jpg#0 A green thing .", "no TAB"),
        ("b.jpg\tA green thing .", "does not end in '#n'"),
        ("b.jpg#x\tA green thing .", "does not end in '#n'"),
        ("#0\tA green thing .", "does not end in '#n'"),
        ("b.jpg#0\t   ", "caption of b.jpg#0 is empty"),
    ],
)
def test_flickr8k_malformed_line_names_file_and_line(tmp_path, bad, message):
    token_file, image_dir = flickr(tmp_path, SIX[:2] + [bad] + SIX[3:])
    with pytest.raises(DatasetError, match=message) as err:
        read_flickr8k(token_file, image_dir)
    assert f"{token_file}, line 3:" in str(err.value)


def test_flickr8k_kaggle_csv_gets_a_hint(tmp_path):
    token_file, image_dir = flickr(tmp_path, ["image,caption", "a.jpg,A red thing ."])
    with pytest.raises(DatasetError, match="line 1: no TAB.*Kaggle captions.txt"):
        read_flickr8k(token_file, image_dir)


def test_flickr8k_missing_token_file_or_folder(tmp_path):
    token_file, image_dir = flickr(tmp_path, SIX)
    with pytest.raises(DatasetError, match="does not exist.*Flickr8k_text.zip"):
        read_flickr8k(tmp_path / "nope.txt", image_dir)
    with pytest.raises(DatasetError, match="does not exist.*Flickr8k_Dataset.zip"):
        read_flickr8k(token_file, tmp_path / "no_images")


def test_flickr8k_empty_file_or_no_image_found(tmp_path):
    token_file, image_dir = flickr(tmp_path, [], images=())
    with pytest.raises(DatasetError, match="holds no captions"):
        read_flickr8k(token_file, image_dir)
    token_file.write_text(SIX[0] + "\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="none of the images.*a.jpg.*folder that holds"):
        read_flickr8k(token_file, image_dir)


# --- COCO --------------------------------------------------------------------------------


def coco(tmp_path, data, images=("000001.jpg", "000002.jpg", "000003.jpg")):
    """A captions JSON file holding ``data`` (dict, or raw str) and a folder of ``images``."""
    image_dir = tmp_path / "train2017"
    image_dir.mkdir()
    for name, colour in zip(images, (RED, GREEN, BLUE)):
        solid(image_dir / name, colour)
    path = tmp_path / "captions_train2017.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path, image_dir


def coco_data():
    """Three images (ids 3, 1, 2 to check the order follows "images") with 2 captions each."""
    return {
        "info": {"year": 2017},
        "images": [
            {"id": 3, "file_name": "000003.jpg", "width": 10, "height": 8},
            {"id": 1, "file_name": "000001.jpg", "width": 10, "height": 8},
            {"id": 2, "file_name": "000002.jpg", "width": 10, "height": 8},
        ],
        "annotations": [
            {"image_id": 1, "id": 10, "caption": "A red square."},
            {"image_id": 2, "id": 11, "caption": "A green square. \n"},
            {"image_id": 3, "id": 12, "caption": "A blue square."},
            {"image_id": 1, "id": 13, "caption": "Red."},
            {"image_id": 3, "id": 14, "caption": "Blue."},
            {"image_id": 2, "id": 15, "caption": "Green."},
        ],
    }


def test_coco_groups_captions_in_images_order(tmp_path):
    path, image_dir = coco(tmp_path, coco_data())
    result = read_coco_captions(path, image_dir)
    assert result.problems == []
    assert result.items == [
        CaptionedImage(image_dir / "000003.jpg", ("A blue square.", "Blue.")),
        CaptionedImage(image_dir / "000001.jpg", ("A red square.", "Red.")),
        CaptionedImage(image_dir / "000002.jpg", ("A green square.", "Green.")),
    ]


def test_coco_missing_image_is_skipped_with_a_problem(tmp_path):
    path, image_dir = coco(tmp_path, coco_data(), images=("000001.jpg", "000003.jpg"))
    result = read_coco_captions(str(path), str(image_dir))
    assert [item.path.name for item in result.items] == ["000003.jpg", "000001.jpg"]
    assert result.problems == [
        f"{image_dir / '000002.jpg'}: listed in captions_train2017.json (image id 2) but the "
        "file does not exist"
    ]


def test_coco_unknown_image_id_empty_caption_and_uncaptioned_image(tmp_path):
    data = coco_data()
    data["annotations"].append({"image_id": 99, "id": 16, "caption": "Nothing."})
    data["annotations"].append({"image_id": 1, "id": 17, "caption": "  "})
    data["annotations"] = [a for a in data["annotations"] if a["image_id"] != 2]
    path, image_dir = coco(tmp_path, data)
    result = read_coco_captions(path, image_dir)
    assert [item.path.name for item in result.items] == ["000003.jpg", "000001.jpg"]
    assert result.items[1].captions == ("A red square.", "Red.")
    assert len(result.problems) == 3
    assert "annotation id 16" in result.problems[0] and "image_id 99" in result.problems[0]
    assert "annotation id 17" in result.problems[1] and "empty caption" in result.problems[1]
    assert result.problems[2] == (
        f"{image_dir / '000002.jpg'}: image id 2 in captions_train2017.json has no captions"
    )


def test_coco_invalid_json_names_file_line_and_column(tmp_path):
    path, image_dir = coco(tmp_path, '{"images": [\n  {"id": 1,\n')
    with pytest.raises(DatasetError, match="is not valid JSON: .* at line 3, column 1") as err:
        read_coco_captions(path, image_dir)
    assert str(path) in str(err.value)


def test_coco_missing_keys(tmp_path):
    data = coco_data()
    del data["annotations"]
    path, image_dir = coco(tmp_path, data)
    with pytest.raises(DatasetError, match='has no "annotations" list') as err:
        read_coco_captions(path, image_dir)
    assert str(path) in str(err.value)

    data = coco_data()
    del data["images"][1]["file_name"]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DatasetError, match=r"\"images\"\[1\] has no 'file_name'"):
        read_coco_captions(path, image_dir)


def test_coco_instances_file_gets_a_hint(tmp_path):
    data = coco_data()
    data["annotations"] = [{"image_id": 1, "id": 1, "bbox": [0, 0, 1, 1], "category_id": 3}]
    path, image_dir = coco(tmp_path, data)
    with pytest.raises(DatasetError, match="has no 'caption'.*instances_"):
        read_coco_captions(path, image_dir)


def test_coco_not_an_object_or_missing_file(tmp_path):
    path, image_dir = coco(tmp_path, "[1, 2]")
    with pytest.raises(DatasetError, match="holds a JSON list"):
        read_coco_captions(path, image_dir)
    with pytest.raises(DatasetError, match="does not exist.*cocodataset.org"):
        read_coco_captions(tmp_path / "missing.json", image_dir)
    with pytest.raises(DatasetError, match="does not exist.*2017 Train images"):
        read_coco_captions(path, tmp_path / "missing")


# --- images ------------------------------------------------------------------------------


def test_load_image_shape_dtype_range_and_colour(tmp_path):
    image = load_image(solid(tmp_path / "red.png", RED))
    assert image.shape == (3, 64, 64) and image.dtype == torch.float32
    assert image.min() >= 0 and image.max() <= 1
    assert torch.allclose(image[0], torch.ones(64, 64))
    assert torch.allclose(image[1:], torch.zeros(2, 64, 64))


def test_load_image_jpeg_and_other_size(tmp_path):
    image = load_image(solid(tmp_path / "blue.jpg", BLUE), size=16)
    assert image.shape == (3, 16, 16)
    assert image[2].mean() > 0.9 and image[:2].mean() < 0.1  # JPEG is lossy: close, not exact


def test_load_image_grayscale_becomes_three_channels(tmp_path):
    image = load_image(solid(tmp_path / "grey.png", 128, mode="L"))
    assert image.shape == (3, 64, 64)
    assert torch.allclose(image, torch.full((3, 64, 64), 128 / 255))


def test_load_image_not_an_image(tmp_path):
    path = tmp_path / "corrupt.jpg"
    path.write_bytes(b"not an image")
    with pytest.raises(DatasetError, match="cannot be decoded") as err:
        load_image(path)
    assert str(path) in str(err.value)


def test_load_image_truncated_jpeg(tmp_path):
    whole = solid(tmp_path / "whole.jpg", GREEN)
    path = tmp_path / "truncated.jpg"
    path.write_bytes(whole.read_bytes()[:100])
    with pytest.raises(DatasetError, match="cannot be decoded") as err:
        load_image(path)
    assert str(path) in str(err.value)


def test_load_image_missing_file_and_bad_size(tmp_path):
    with pytest.raises(DatasetError, match="does not exist"):
        load_image(tmp_path / "missing.png")
    with pytest.raises(ValueError, match="positive int"):
        load_image(solid(tmp_path / "red.png"), size=0)


def test_load_images_skips_corrupt_keeps_order_and_reports(tmp_path):
    corrupt = tmp_path / "corrupt.jpg"
    corrupt.write_bytes(b"not an image")
    items = [
        CaptionedImage(solid(tmp_path / "r.png", RED), ("red",)),
        CaptionedImage(corrupt, ("broken",)),
        CaptionedImage(solid(tmp_path / "b.png", BLUE), ("blue",)),
    ]
    caption_set = CaptionSet(items, ["earlier problem"])
    images, kept, problems = load_images(caption_set, size=8)
    assert images.shape == (2, 3, 8, 8) and images.dtype == torch.float32
    assert kept == [items[0], items[2]]
    assert images[0, 0].mean() == 1 and images[1, 2].mean() == 1  # red, then blue
    assert problems[0] == "earlier problem" and len(problems) == 2
    assert str(corrupt) in problems[1] and "cannot be decoded" in problems[1]
    assert caption_set.problems == ["earlier problem"]  # the input is not changed


def test_load_images_end_to_end_from_flickr8k(tmp_path):
    token_file, image_dir = flickr(tmp_path, SIX)
    images, kept, problems = load_images(read_flickr8k(token_file, image_dir))
    assert images.shape == (3, 3, 64, 64) and len(kept) == 3 and problems == []


def test_load_images_nothing_loads(tmp_path):
    corrupt = tmp_path / "corrupt.jpg"
    corrupt.write_bytes(b"not an image")
    with pytest.raises(DatasetError, match="none of the 1 images.*corrupt.jpg"):
        load_images(CaptionSet([CaptionedImage(corrupt, ("x",))]))
    with pytest.raises(DatasetError, match="no items"):
        load_images(CaptionSet([]))
