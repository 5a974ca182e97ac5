"""The one loop on independent batches (classifiers, taggers, seq2seq), and the old fit()."""

import pytest
import torch
import torch.nn as nn

from course_utils import (
    Batches,
    ClassifierConfig,
    SequenceClassifier,
    TrainConfig,
    TrainingError,
    fit,
    sequence_cross_entropy,
    train,
)
from course_utils.data import pad_sequences
from course_utils.models.classify import SequenceTagger, TaggerConfig


def first_token_task(step, generator):
    """Label = the first token of a random-length sequence (ids 2..4): trivially learnable."""
    seqs = [
        torch.randint(
            2, 5, (int(torch.randint(1, 6, (1,), generator=generator)),), generator=generator
        ).tolist()
        for _ in range(16)
    ]
    ids, lengths = pad_sequences(seqs, pad_id=1)
    return (ids, lengths), ids[:, 0] - 2


def classifier(seed=0):
    torch.manual_seed(seed)
    return SequenceClassifier(ClassifierConfig(5, 3, 8, 16, bidirectional=True))


def run(model, steps=30, resume=False, **overrides):
    cfg = TrainConfig(max_steps=steps, lr=0.03, **overrides)
    fingerprint = "task" if cfg.checkpoint_path else None  # data without a tokenizer
    return train(
        model,
        Batches(first_token_task),
        cfg,
        torch.device("cpu"),
        loss_fn=nn.functional.cross_entropy,
        vocab_fingerprint=fingerprint,
        resume=resume,
    )


def test_train_reduces_the_loss_on_a_learnable_task():
    history = run(classifier())
    assert len(history.train_loss) == 30 and history.tokens == 30 * 16
    assert sum(history.train_loss[-5:]) / 5 < 0.2 * sum(history.train_loss[:5]) / 5


def test_seed_picks_the_batches():
    a, b, c = run(classifier(), 5, seed=1), run(classifier(), 5, seed=1), run(classifier(), 5)
    assert a.train_loss == b.train_loss != c.train_loss


def test_tuple_targets_and_forward_kwargs(cpu):
    torch.manual_seed(0)
    model = SequenceTagger(TaggerConfig(5, n_tags=3, hidden_size=8))
    ids, lengths = pad_sequences([[2, 3, 4], [4, 2]], pad_id=1)
    tags = (ids - 2).clamp(min=0).masked_fill(ids == 1, -100)  # IGNORE_INDEX at padding
    history = train(
        model,
        Batches(lambda step, g: ((ids, lengths), (tags, lengths))),
        TrainConfig(max_steps=5, lr=0.01),
        cpu,
        loss_fn=lambda out, y: sequence_cross_entropy(out, y[0]),
    )
    assert len(history.train_loss) == 5 and history.train_loss[-1] < history.train_loss[0]

    seen = []

    class Scaled(nn.Linear):
        def forward(self, x, scale=1.0):
            seen.append(scale)
            return super().forward(x) * scale

    x, y = torch.randn(8, 2), torch.randn(8, 1)
    train(
        Scaled(2, 1),
        Batches(lambda step, g: (x, y)),
        TrainConfig(max_steps=3, lr=0.1),
        cpu,
        loss_fn=nn.functional.mse_loss,
        forward_kwargs=lambda step: {"scale": 1.0 - step / 4},
    )
    assert seen == [1.0, 0.75, 0.5]  # a function of the step, e.g. a teacher-forcing ratio


def test_nan_loss_raises_training_error(cpu):
    x = torch.tensor([[float("nan"), 1.0]])
    with pytest.raises(TrainingError, match="diverged at step 1.*Lower lr"):
        train(
            nn.Linear(2, 1),
            Batches(lambda step, g: (x, torch.zeros(1, 1))),
            TrainConfig(max_steps=3, lr=0.1),
            cpu,
            loss_fn=nn.functional.mse_loss,
        )


def test_resume_of_batches_is_exact(tmp_path):
    """Stopped after 4 steps and resumed: the batches and weights of an unbroken run."""
    full = classifier()
    full_history = run(full, 9)
    cfg = dict(checkpoint_path=str(tmp_path / "c.pt"), checkpoint_every=4)
    run(classifier(), 4, **cfg)
    torch.manual_seed(999)  # the resumed run restores the RNG and the batch generator itself
    resumed = classifier(seed=5)
    history = run(resumed, 9, resume=True, **cfg)
    assert history.train_loss == full_history.train_loss
    for a, b in zip(full.state_dict().values(), resumed.state_dict().values()):
        assert torch.equal(a, b)


def test_mixed_precision_changes_nothing_on_the_cpu():
    """bfloat16 autocast is for CUDA only: on the CPU the run is bit-identical to float32."""
    runs = [run(classifier(), 5, mixed_precision=m).train_loss for m in (False, True)]
    assert runs[0] == runs[1]


def test_old_fit_still_works_with_a_warning(cpu):
    gen = torch.Generator().manual_seed(0)
    with pytest.warns(DeprecationWarning, match="use train"):
        losses = fit(
            classifier(),
            first_token_task,
            nn.functional.cross_entropy,
            5,
            0.03,
            cpu,
            generator=gen,
            progress=False,
        )
    new = run(classifier(), 5).train_loss  # seed 0: the same generator stream
    assert losses == new
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match="steps"):
        fit(nn.Linear(1, 1), lambda step: None, nn.functional.mse_loss, 0, 0.1, cpu)
