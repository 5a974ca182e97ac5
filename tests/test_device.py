import random

import numpy as np
import pytest
import torch

from course_utils import Scale, course_scale, float64_device, get_device, set_seed


def test_get_device_returns_a_torch_device():
    assert isinstance(get_device(), torch.device)


def test_prefer_overrides_environment(monkeypatch):
    monkeypatch.setenv("COURSE_DEVICE", "meta")
    assert get_device(prefer="cpu") == torch.device("cpu")


def test_course_device_environment_variable(monkeypatch):
    monkeypatch.setenv("COURSE_DEVICE", "meta")
    assert get_device() == torch.device("meta")


def test_set_seed_repeats_torch_numpy_and_python():
    def draw():
        return torch.rand(3), np.random.rand(3), random.random()

    set_seed(7)
    first = draw()
    set_seed(7)
    second = draw()
    assert torch.equal(first[0], second[0])
    assert np.array_equal(first[1], second[1])
    assert first[2] == second[2]
    set_seed(8)
    assert not torch.equal(first[0], draw()[0])


def test_set_seed_asks_for_deterministic_algorithms():
    set_seed(0)
    assert torch.are_deterministic_algorithms_enabled()


def test_course_scale_default_when_unset(monkeypatch):
    monkeypatch.delenv("COURSE_SCALE", raising=False)
    assert course_scale() == 1.0
    assert course_scale(default=2.0) == 2.0


@pytest.mark.parametrize("raw, value", [("4", 4.0), ("0.5", 0.5), ("1", 1.0)])
def test_course_scale_parses_numbers(monkeypatch, raw, value):
    monkeypatch.setenv("COURSE_SCALE", raw)
    assert course_scale() == value


@pytest.mark.parametrize("raw", ["big", "0", "-2"])
def test_course_scale_rejects_bad_values(monkeypatch, raw):
    monkeypatch.setenv("COURSE_SCALE", raw)
    with pytest.raises(ValueError, match="COURSE_SCALE"):
        course_scale()


@pytest.mark.parametrize("raw", ["nan", "inf"])
def test_course_scale_rejects_non_finite(monkeypatch, raw):
    monkeypatch.setenv("COURSE_SCALE", raw)
    with pytest.raises(ValueError, match="COURSE_SCALE"):
        course_scale()


def test_float64_checks_move_off_mps_only():
    assert float64_device(torch.device("mps")) == torch.device("cpu")
    assert float64_device(torch.device("cpu")) == torch.device("cpu")
    assert float64_device("cuda:1") == torch.device("cuda:1")


def test_scale_one_and_below_keeps_data_and_widths_and_shrinks_only_steps():
    for factor in (0.05, 1.0):
        s = Scale(factor)
        assert (s.data(8000), s.width(256), s.lr_decay()) == (8000, 256, "none")
    assert Scale(0.05).steps(600) == 30 and Scale(1).steps(600) == 600
    assert Scale(0.0001).steps(600) == 1  # never zero steps


def test_scale_above_one_shares_the_compute_out_like_a_compute_optimal_model():
    s = Scale(4)  # 4x the compute: 2x steps over 2x the data, widths x sqrt(2)
    assert (s.steps(600), s.data(1_000_000), s.width(256), s.lr_decay()) == (
        1200,
        2_000_000,
        360,  # 256 * sqrt(2) = 362, to a multiple of 8
        "cosine",
    )
    assert s.data(1_000_000, available=1_500_000) == 1_500_000  # never more than exists
    assert Scale(2).steps(600) == 849 and Scale(2).width(256) == 304


def test_scale_from_env_reads_course_scale(monkeypatch):
    monkeypatch.setenv("COURSE_SCALE", "2")
    assert Scale.from_env() == Scale(2.0)
