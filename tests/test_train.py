import math
from dataclasses import replace

import pytest
import torch
import torch.nn as nn

from course_utils import (
    RNNLM,
    CheckpointError,
    RNNLMConfig,
    TrainConfig,
    TrainingError,
    evaluate_lm,
    set_seed,
    train_lm,
)


def tiny_model(vocab_size, seed=0, **overrides):
    set_seed(seed)
    return RNNLM(RNNLMConfig(vocab_size, embed_size=8, hidden_size=16, **overrides))


def config(**overrides):
    base = dict(max_steps=8, batch_size=4, seq_len=8, lr=1e-2, progress=False, seed=3)
    return TrainConfig(**(base | overrides))


def test_loss_goes_down(char_tok, tiny_ids, cpu):
    model = tiny_model(len(char_tok))
    history = train_lm(model, tiny_ids, tiny_ids[:120], config(max_steps=60, lr=2e-2), cpu)
    assert len(history.train_loss) == 60 and history.tokens == 60 * 4 * 8
    first, last = sum(history.train_loss[:3]) / 3, sum(history.train_loss[-3:]) / 3
    assert first > math.log(len(char_tok)) * 0.9 and last < 0.5 * first
    assert history.final_valid_nll < 0.5 * math.log(len(char_tok))
    assert history.final_valid_ppl == pytest.approx(math.exp(history.final_valid_nll))


def test_eval_every_records_validation(char_tok, tiny_ids, cpu):
    history = train_lm(
        tiny_model(len(char_tok)), tiny_ids, tiny_ids[:100], config(max_steps=6, eval_every=2), cpu
    )
    assert history.eval_steps == [2, 4, 6] and len(history.valid_nll) == 3


def test_nan_loss_raises_training_error(char_tok, tiny_ids, cpu):
    model = tiny_model(len(char_tok))
    with torch.no_grad():
        model.head.bias[0] = float("nan")
    with pytest.raises(TrainingError, match=r"diverged at step 1.*Lower lr.*clip"):
        train_lm(model, tiny_ids, tiny_ids, config(), cpu)


def test_overflowing_logits_raise_training_error(char_tok, tiny_ids, cpu):
    model = tiny_model(len(char_tok))
    with torch.no_grad():
        model.head.weight.mul_(1e38)  # logits overflow to +-inf
    with pytest.raises(TrainingError, match=r"diverged at step 1: loss=(nan|inf)"):
        train_lm(model, tiny_ids, tiny_ids, config(clip=None), cpu)


def test_validation_points_lie_on_one_grid_across_epochs(char_tok, tiny_ids, cpu):
    # 14 steps cross an epoch boundary (11 batches per epoch): no extra point there
    model = tiny_model(len(char_tok))
    cfg = config(max_steps=14, eval_every=5, eval_tokens=100)
    history = train_lm(model, tiny_ids, tiny_ids, cfg, cpu)
    assert history.eval_steps == [5, 10, 14]


RESUME_CASES = [
    dict(partition="sequential", cell="rnn", stop=4),
    dict(partition="sequential", cell="lstm", stop=6),  # (h, c) state carried mid-epoch
    dict(partition="sequential", cell="rnn", stop=11),  # last batch of an epoch (11 per epoch)
    dict(partition="random", cell="rnn", stop=5),
]


@pytest.mark.parametrize(
    "case", RESUME_CASES, ids=lambda c: f"{c['partition']}-{c['cell']}-{c['stop']}"
)
def test_resume_is_exact(tmp_path, char_tok, tiny_ids, cpu, case):
    """Stop at a checkpoint, resume in a fresh model: same weights as never stopping."""
    total, stop, fp = 14, case["stop"], char_tok.vocab.fingerprint
    shape = dict(cell=case["cell"], num_layers=2, dropout=0.3)

    def run(steps, path, resume=False, init_seed=0):
        model = tiny_model(len(char_tok), seed=init_seed, **shape)
        cfg = config(
            max_steps=steps,
            partition=case["partition"],
            checkpoint_path=str(path),
            checkpoint_every=stop,
            eval_tokens=100,
        )
        history = train_lm(model, tiny_ids, tiny_ids, cfg, cpu, fp, resume=resume)
        return model, history

    full, full_history = run(total, tmp_path / "full.pt")
    assert total > 11  # the run crosses an epoch boundary (11 batches per epoch)
    run(stop, tmp_path / "part.pt")
    torch.manual_seed(12345)  # the resumed run must restore the RNG itself
    resumed, resumed_history = run(total, tmp_path / "part.pt", resume=True, init_seed=1)
    assert resumed_history.train_loss == full_history.train_loss
    for (name, a), b in zip(full.state_dict().items(), resumed.state_dict().values()):
        assert torch.equal(a, b), name


def test_dropout_makes_runs_depend_on_the_rng(char_tok, tiny_ids, cpu):
    # Control for test_resume_is_exact: without restoring the RNG, runs would differ.
    models = []
    for rng_seed in (1, 2):
        model = tiny_model(len(char_tok), num_layers=2, dropout=0.3)
        torch.manual_seed(rng_seed)
        train_lm(model, tiny_ids, tiny_ids[:100], config(max_steps=3), cpu)
        models.append(model)
    assert not torch.equal(models[0].head.weight, models[1].head.weight)


def test_resume_with_other_vocabulary_is_refused(tmp_path, char_tok, tiny_ids, cpu):
    path = tmp_path / "m.pt"
    cfg = config(max_steps=2, checkpoint_path=str(path))
    train_lm(tiny_model(len(char_tok)), tiny_ids, tiny_ids[:100], cfg, cpu, "vocab-a")
    before = path.read_bytes()
    with pytest.raises(CheckpointError, match="another vocabulary"):
        train_lm(tiny_model(len(char_tok)), tiny_ids, tiny_ids, cfg, cpu, "vocab-b", resume=True)
    assert path.read_bytes() == before


def test_resume_with_other_model_shape_is_refused(tmp_path, char_tok, tiny_ids, cpu):
    cfg = config(max_steps=2, checkpoint_path=str(tmp_path / "m.pt"))
    train_lm(tiny_model(len(char_tok)), tiny_ids, tiny_ids[:100], cfg, cpu, "v")
    wide = RNNLM(RNNLMConfig(len(char_tok), embed_size=8, hidden_size=32))
    with pytest.raises(CheckpointError, match="'hidden_size': 16"):
        train_lm(wide, tiny_ids, tiny_ids, cfg, cpu, "v", resume=True)


def test_resume_without_checkpoint_starts_fresh(tmp_path, char_tok, tiny_ids, cpu):
    cfg = config(max_steps=3, checkpoint_path=str(tmp_path / "m.pt"))
    history = train_lm(
        tiny_model(len(char_tok)), tiny_ids, tiny_ids[:100], cfg, cpu, "v", resume=True
    )
    assert len(history.train_loss) == 3 and (tmp_path / "m.pt").is_file()


def test_evaluate_lm_is_deterministic_and_matches_by_hand(char_tok, tiny_ids, cpu):
    model = tiny_model(len(char_tok)).train()
    ids = tiny_ids[:40]
    first = evaluate_lm(model, ids, cpu, batch_size=1, seq_len=1)
    assert evaluate_lm(model, ids, cpu, batch_size=1, seq_len=1) == first
    assert model.training  # mode restored
    with torch.no_grad():
        logits, _ = model.eval()(ids[None, :-1])
        by_hand = nn.functional.cross_entropy(logits[0], ids[1:]).item()
    assert first == pytest.approx(by_hand, abs=1e-5)


def test_evaluate_lm_scores_every_token(char_tok, tiny_ids, cpu):
    model, ids = tiny_model(len(char_tok)).eval(), tiny_ids[:7]  # 6 targets, 2 chunks of 3
    with torch.no_grad():
        logits, _ = model(ids[None, :-1])
        by_hand = nn.functional.cross_entropy(logits[0], ids[1:]).item()
    assert evaluate_lm(model, ids, cpu, batch_size=1, seq_len=3) == pytest.approx(by_hand)


def test_sgd_with_random_truncation_lengths_trains(char_tok, tiny_ids, cpu):
    model = tiny_model(len(char_tok))
    cfg = config(max_steps=60, optimizer="sgd", lr=0.5, random_lengths=True)
    history = train_lm(model, tiny_ids, tiny_ids[:120], cfg, cpu)
    assert sum(history.train_loss[-10:]) / 10 < history.train_loss[0] - 0.5


def test_unknown_optimizer_is_refused(char_tok, tiny_ids, cpu):
    with pytest.raises(ValueError, match="optimizer"):
        train_lm(tiny_model(len(char_tok)), tiny_ids, tiny_ids, config(optimizer="lbfgs"), cpu)


def test_cosine_learning_rate_runs_from_lr_to_lr_min(char_tok, tiny_ids, cpu):
    cfg = config(max_steps=100, lr=1e-2, lr_decay="cosine", lr_min=1e-3, batch_size=2, seq_len=4)
    rates = train_lm(tiny_model(len(char_tok)), tiny_ids, tiny_ids[:50], cfg, cpu).lr
    assert len(rates) == 100 and rates[0] == pytest.approx(1e-2)
    assert rates[50] == pytest.approx(5.5e-3)  # halfway: the mean of the two
    assert rates[99] == pytest.approx(1e-3, abs=1e-5)  # one step before the end: lr_min
    assert all(a >= b for a, b in zip(rates, rates[1:]))  # never rises
    constant = train_lm(tiny_model(len(char_tok)), tiny_ids, tiny_ids[:50], config(lr=3e-3), cpu)
    assert set(constant.lr) == {3e-3}  # "none": constant


def test_unknown_lr_decay_is_refused(char_tok, tiny_ids, cpu):
    with pytest.raises(ValueError, match="lr_decay"):
        train_lm(tiny_model(len(char_tok)), tiny_ids, tiny_ids, config(lr_decay="step"), cpu)


def test_resume_with_cosine_decay_is_exact(tmp_path, char_tok, tiny_ids, cpu):
    """The schedule depends on the global step, so an interrupted run resumes on it."""
    total, fp = 9, char_tok.vocab.fingerprint
    cfg = config(max_steps=total, lr_decay="cosine", lr_min=1e-4, checkpoint_every=4)

    full = tiny_model(len(char_tok))
    full_history = train_lm(full, tiny_ids, tiny_ids, cfg, cpu, fp)

    path = str(tmp_path / "run.pt")
    crashing = tiny_model(len(char_tok))
    calls = []

    def crash_at_step_seven(module, args):
        calls.append(module.training)
        if sum(calls) == 7:  # training forwards only; after the checkpoint at step 4
            raise KeyboardInterrupt

    crashing.register_forward_pre_hook(crash_at_step_seven)
    with pytest.raises(KeyboardInterrupt):
        train_lm(crashing, tiny_ids, tiny_ids, replace(cfg, checkpoint_path=path), cpu, fp)
    resumed = tiny_model(len(char_tok), seed=1)
    history = train_lm(
        resumed, tiny_ids, tiny_ids, replace(cfg, checkpoint_path=path), cpu, fp, resume=True
    )
    assert history.train_loss == full_history.train_loss
    for (name, a), b in zip(full.state_dict().items(), resumed.state_dict().values()):
        assert torch.equal(a, b), name
