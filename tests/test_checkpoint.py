import io

import pytest
import torch

from course_utils import RNNLM, CheckpointError, RNNLMConfig, read_checkpoint, save_checkpoint
from course_utils import checkpoint as ckpt_module
from course_utils.checkpoint import check_compatible


def payload(model, fingerprint="abc"):
    meta = {"vocab_fingerprint": fingerprint, "vocab_size": 5, "model_config": model.config_dict()}
    return {"model": model.state_dict(), "meta": meta, "step": 3}


@pytest.fixture
def model():
    torch.manual_seed(0)
    return RNNLM(RNNLMConfig(5, 4, 6))


def test_round_trip(tmp_path, model):
    save_checkpoint(tmp_path / "sub" / "m.pt", payload(model))
    loaded = read_checkpoint(tmp_path / "sub" / "m.pt")
    assert loaded["step"] == 3
    for name, tensor in model.state_dict().items():
        assert torch.equal(loaded["model"][name], tensor)
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["m.pt"]  # no temp file left


def test_crash_during_save_keeps_previous_checkpoint(tmp_path, model, monkeypatch):
    path = tmp_path / "m.pt"
    save_checkpoint(path, payload(model))
    before = path.read_bytes()

    def crash(obj, f):
        f.write(b"half a checkpoint")
        raise OSError("disk full")

    monkeypatch.setattr(ckpt_module.torch, "save", crash)
    with torch.no_grad():
        model.head.bias.add_(1.0)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(path, payload(model))
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert read_checkpoint(path)["step"] == 3
    assert [p.name for p in tmp_path.iterdir()] == ["m.pt"]


def test_missing_file(tmp_path):
    with pytest.raises(CheckpointError, match="does not exist"):
        read_checkpoint(tmp_path / "nope.pt")


def test_truncated_file(tmp_path, model):
    buffer = io.BytesIO()
    torch.save(payload(model), buffer)
    (tmp_path / "m.pt").write_bytes(buffer.getvalue()[:300])
    with pytest.raises(CheckpointError, match="not a readable checkpoint"):
        read_checkpoint(tmp_path / "m.pt")


@pytest.mark.parametrize(
    "content", [b"this is not a checkpoint" * 4, b""], ids=["garbage", "empty"]
)
def test_garbage_file(tmp_path, content):
    (tmp_path / "m.pt").write_bytes(content)
    with pytest.raises(CheckpointError, match="not a readable checkpoint"):
        read_checkpoint(tmp_path / "m.pt")


@pytest.mark.parametrize("content", [{"weights": {}}, torch.zeros(3)], ids=["dict", "tensor"])
def test_file_without_model_weights(tmp_path, content):
    torch.save(content, tmp_path / "m.pt")
    with pytest.raises(CheckpointError, match="no model weights"):
        read_checkpoint(tmp_path / "m.pt")


def test_other_vocabulary_is_rejected(model):
    with pytest.raises(CheckpointError, match="another vocabulary.*load the tokenizer"):
        check_compatible(payload(model, "abc"), model, vocab_fingerprint="xyz")
    check_compatible(payload(model, "abc"), model, vocab_fingerprint="abc")  # matching: fine
    # The check is on by default: a fingerprint on one side only cannot be confirmed.
    with pytest.raises(CheckpointError, match="cannot check the vocabulary.*pass vocab_finger"):
        check_compatible(payload(model, "abc"), model, vocab_fingerprint=None)
    with pytest.raises(CheckpointError, match="cannot check the vocabulary"):
        check_compatible(payload(model, None), model, vocab_fingerprint="abc")


def test_other_model_shape_is_rejected(model):
    wider = RNNLM(RNNLMConfig(5, 4, 9))
    with pytest.raises(CheckpointError, match=r"does not fit.*'hidden_size': 9"):
        check_compatible(payload(wider), model, "abc", source="wide.pt")


def test_other_architecture_is_rejected(model):
    lstm = RNNLM(RNNLMConfig(5, 4, 6, cell="lstm"))
    with pytest.raises(CheckpointError, match="does not fit.*'cell': 'lstm'"):
        check_compatible(payload(lstm), model, "abc")
    deeper = RNNLM(RNNLMConfig(5, 4, 6, num_layers=2))
    with pytest.raises(CheckpointError, match="unexpected.*l1"):
        check_compatible(payload(deeper), model, "abc")
