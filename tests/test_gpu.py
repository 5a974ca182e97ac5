"""The same model on CUDA: trains, matches the CPU forward pass, and COURSE_SCALE=4 trains
better notebooks than 1 (all skipped without CUDA)."""

import json
from pathlib import Path

import nbformat
import pytest
import torch
from nbclient import NotebookClient

from course_utils import (
    RNNLM,
    Batches,
    ClassifierConfig,
    PairVocab,
    RegressorConfig,
    RNNLMConfig,
    Seq2Seq,
    Seq2SeqConfig,
    SequenceClassifier,
    SequenceRegressor,
    SequenceTagger,
    TaggerConfig,
    TrainConfig,
    adding_problem,
    beam_translate,
    set_seed,
    train,
    train_lm,
    translate,
)
from course_utils.data import pad_sequences
from course_utils.results import HEADLINES, compare

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]
CUDA = torch.device("cuda")


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_cuda_forward_matches_cpu(cell):
    set_seed(0)
    model = RNNLM(RNNLMConfig(20, embed_size=8, hidden_size=16, num_layers=2, cell=cell)).eval()
    x = torch.randint(20, (3, 12))
    cpu_logits, _ = model(x)
    cuda_logits, _ = model.to(CUDA)(x.to(CUDA))
    torch.testing.assert_close(cuda_logits.cpu(), cpu_logits, atol=1e-4, rtol=1e-4)


def test_training_steps_on_cuda():
    set_seed(0)
    ids = torch.arange(600) % 7  # a repeating pattern the model learns quickly
    model = RNNLM(RNNLMConfig(7, embed_size=8, hidden_size=32, connectivity="banded"))
    config = TrainConfig(max_steps=30, batch_size=4, seq_len=16, lr=1e-2, progress=False)
    history = train_lm(model, ids, ids[:200], config, CUDA)
    assert next(model.parameters()).device.type == "cuda"
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]
    forbidden = model.hh_mask == 0
    assert (model.rnn.weight_hh_l0[forbidden] == 0).all()  # mask holds on the cuDNN path too


@pytest.mark.parametrize("bidirectional", [False, True])
def test_packed_classifier_and_tagger_on_cuda_match_cpu(bidirectional):
    ids, lengths = pad_sequences([[3, 4, 5], [6], [7, 8, 9, 2, 3]], pad_id=1)
    for model in (
        SequenceClassifier(ClassifierConfig(12, 3, 8, 16, 2, "lstm", bidirectional)),
        SequenceTagger(TaggerConfig(12, 5, 8, 16, 2, "gru", bidirectional)),
    ):
        model.eval()
        cpu_out = model(ids, lengths)
        cuda_out = model.to(CUDA)(ids.to(CUDA), lengths.to(CUDA))  # lengths may live on CUDA
        torch.testing.assert_close(cuda_out.cpu(), cpu_out, atol=1e-3, rtol=1e-3)


def test_train_batches_on_cuda():
    set_seed(0)
    model = SequenceRegressor(RegressorConfig(hidden_size=16))
    losses = train(
        model,
        Batches(lambda step, g: adding_problem(32, 10, g)),
        TrainConfig(max_steps=20, lr=1e-2),
        CUDA,
        loss_fn=torch.nn.functional.mse_loss,
    ).train_loss
    assert next(model.parameters()).device.type == "cuda" and len(losses) == 20


@pytest.mark.parametrize("attention", ["none", "additive", "dot"])
def test_seq2seq_on_cuda_matches_cpu_and_decodes(attention):
    vocab = PairVocab.build([("abcd", "abcd")])
    set_seed(0)
    config = Seq2SeqConfig(
        len(vocab.source),
        len(vocab.target),
        vocab.src_pad_id,
        vocab.bos_id,
        vocab.eos_id,
        embed_size=8,
        hidden_size=16,
        attention=attention,
        attention_size=8,
    )
    model = Seq2Seq(config).eval()
    src, lengths = vocab.encode_sources(["abc", "d", "abcdab"])
    tgt_in, _ = vocab.encode_targets(["ab", "dd", "c"])
    cpu_logits = model(src, lengths, tgt_in)
    cuda_logits = model.to(CUDA)(src.to(CUDA), lengths.to(CUDA), tgt_in.to(CUDA))
    torch.testing.assert_close(cuda_logits.cpu(), cpu_logits, atol=1e-4, rtol=1e-4)
    scheduled = model(src.to(CUDA), lengths.to(CUDA), tgt_in.to(CUDA), teacher_forcing=0.5)
    assert scheduled.device.type == "cuda"
    cpu_out = translate(model.cpu(), vocab, ["abc", "d"], 6, torch.device("cpu"))
    cuda_out = translate(model.to(CUDA), vocab, ["abc", "d"], 6, CUDA)
    assert [o.tokens for o in cuda_out] == [o.tokens for o in cpu_out]
    beams = beam_translate(model, vocab, "abc", 6, CUDA, beam_size=3)
    assert beams and all(isinstance(b.tokens, list) for b in beams)


def test_captioner_trains_with_mixed_precision_on_cuda():
    from course_utils.models.captioning import CaptionConfig, Captioner

    set_seed(0)
    images = torch.rand(4, 3, 32, 32)
    caps = torch.tensor([[2, 4, 5], [2, 6, 7], [2, 8, 4], [2, 5, 6]])
    targets = torch.tensor([[4, 5, 3], [6, 7, 3], [8, 4, 3], [5, 6, 3]])
    for attention in (False, True):
        model = Captioner(
            CaptionConfig(9, 2, 3, 1, channels=8, embed_size=8, hidden_size=16, attention=attention)
        )
        losses = train(
            model,
            Batches(lambda step, g: ((images, caps), targets)),
            TrainConfig(max_steps=40, lr=1e-2, mixed_precision=True),
            CUDA,
            loss_fn=lambda logits, y: torch.nn.functional.cross_entropy(
                logits.float().flatten(0, 1), y.flatten()
            ),
        ).train_loss
        assert losses[-1] < 0.5 * losses[0]


NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def run_notebook(path: Path, scale: float, results: Path, monkeypatch) -> dict:
    """Execute a notebook at COURSE_SCALE=scale on CUDA -> the numbers it recorded."""
    monkeypatch.setenv("COURSE_SCALE", f"{scale:g}")
    monkeypatch.setenv("COURSE_RESULTS", str(results))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=3600, resources={"metadata": {"path": str(path.parent)}}).execute()
    return json.loads(results.read_text(encoding="utf-8"))


@pytest.mark.parametrize("notebook", sorted(HEADLINES))
def test_scale_4_gives_clearly_better_headline_results(notebook, tmp_path, monkeypatch):
    """What COURSE_SCALE promises: at 4 every headline number is better than at 1, by at
    least 2% of its value (a lower loss or error rate, a higher BLEU or match rate)."""
    path = NOTEBOOKS / f"{notebook}.ipynb"
    base = run_notebook(path, 1, tmp_path / "scale-1.json", monkeypatch)
    scaled = run_notebook(path, 4, tmp_path / "scale-4.json", monkeypatch)
    rows = compare(base, scaled)
    assert len(rows) == len(HEADLINES[notebook]), rows
    for r in rows:
        margin = 0.02 * abs(r["base"])
        gain = r["scaled"] - r["base"] if r["better"] else 0.0
        assert r["better"] and abs(gain) >= margin, (
            f"{r['label']}: {r['base']:.4g} at scale 1, {r['scaled']:.4g} at scale 4; "
            f"expected better by at least {margin:.3g}"
        )
