import pytest
import torch
import torch.nn as nn

from course_utils import (
    ClassifierConfig,
    SequenceClassifier,
    TrainingError,
    fit,
    masked_cross_entropy,
    pad_sequences,
)
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


def test_fit_reduces_the_loss_on_a_learnable_task(cpu):
    torch.manual_seed(0)
    model = SequenceClassifier(ClassifierConfig(5, 3, 8, 16, bidirectional=True))
    gen = torch.Generator().manual_seed(0)
    losses = fit(
        model,
        first_token_task,
        nn.functional.cross_entropy,
        30,
        0.03,
        cpu,
        generator=gen,
        progress=False,
    )
    assert len(losses) == 30
    assert sum(losses[-5:]) / 5 < 0.2 * sum(losses[:5]) / 5


def test_fit_accepts_a_single_tensor_and_tuple_targets(cpu):
    torch.manual_seed(0)
    model = SequenceTagger(TaggerConfig(5, n_tags=3, hidden_size=8))
    ids, lengths = pad_sequences([[2, 3, 4], [4, 2]], pad_id=1)
    tags = (ids - 2).clamp(min=0)

    def make_batch(step):
        return (ids, lengths), (tags, lengths)

    losses = fit(
        model,
        make_batch,
        lambda out, y: masked_cross_entropy(out, *y),
        5,
        0.01,
        cpu,
        progress=False,
    )
    assert len(losses) == 5 and losses[-1] < losses[0]

    linear = nn.Linear(2, 1)
    x, y = torch.randn(8, 2), torch.randn(8, 1)
    assert (
        len(fit(linear, lambda step: (x, y), nn.functional.mse_loss, 3, 0.1, cpu, progress=False))
        == 3
    )


def test_nan_loss_raises_training_error(cpu):
    linear = nn.Linear(2, 1)
    x = torch.tensor([[float("nan"), 1.0]])
    with pytest.raises(TrainingError, match="diverged at step 1.*Lower lr"):
        fit(
            linear,
            lambda step: (x, torch.zeros(1, 1)),
            nn.functional.mse_loss,
            3,
            0.1,
            cpu,
            progress=False,
        )


def test_steps_must_be_positive(cpu):
    with pytest.raises(ValueError, match="steps"):
        fit(nn.Linear(1, 1), lambda step: None, nn.functional.mse_loss, 0, 0.1, cpu)


def test_mixed_precision_changes_nothing_on_the_cpu(cpu):
    """bfloat16 autocast is for CUDA only: on the CPU the run is bit-identical to float32."""
    runs = []
    for mixed in (False, True):
        torch.manual_seed(0)
        model = SequenceClassifier(ClassifierConfig(5, 3, 8, 16))
        gen = torch.Generator().manual_seed(0)
        runs.append(
            fit(
                model,
                first_token_task,
                nn.functional.cross_entropy,
                5,
                1e-2,
                cpu,
                generator=gen,
                progress=False,
                mixed_precision=mixed,
            )
        )
    assert runs[0] == runs[1]
