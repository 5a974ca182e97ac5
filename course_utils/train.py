"""One training loop for language models: truncated BPTT, clipping, validation, checkpoints.

Truncated backpropagation through time (Williams & Peng 1990): the text is cut into
chunks of ``seq_len`` tokens; gradients flow back through one chunk only, but with
sequential partitioning the hidden state is *carried* into the next chunk (detached from
the graph), so the model still sees context beyond ``seq_len`` in the forward pass.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
import torch.nn as nn
from tqdm.auto import tqdm

from course_utils.checkpoint import check_compatible, read_checkpoint, save_checkpoint
from course_utils.data.batching import lm_batches
from course_utils.errors import DatasetError, TrainingError


@dataclass
class TrainConfig:
    """How to train; every field has the default the notebooks start from."""

    max_steps: int = 1000  # optimizer steps in total: the training budget
    batch_size: int = 32  # sequences per minibatch
    seq_len: int = 64  # BPTT truncation length (tokens per chunk)
    lr: float = 2e-3  # learning rate (the peak, when lr_decay is on)
    lr_decay: str = "none"  # "none" (constant) or "cosine" (lr -> lr_min over max_steps)
    lr_min: float = 0.0  # where the cosine decay ends
    optimizer: str = "adam"  # "adam", or "sgd" (plain steps: shows why clipping matters)
    clip: float | None = 1.0  # max global gradient norm; None disables clipping
    partition: str = "sequential"  # "sequential" or "random" minibatches
    carry_state: bool = True  # sequential only: carry the hidden state across minibatches
    random_lengths: bool = False  # sequential only: chunk lengths vary around seq_len
    eval_every: int | None = None  # also validate every N steps (always at epoch ends)
    eval_tokens: int | None = None  # validate on the first N tokens only (None: all)
    checkpoint_path: str | None = None  # where to save; None disables checkpoints
    checkpoint_every: int | None = None  # save every N steps (and at the end)
    seed: int = 0  # seeds minibatch order and dropout
    progress: bool = True  # show a tqdm progress bar

    def __post_init__(self) -> None:
        # Checked here, where the mistake is made, not as a NaN loss hundreds of steps later.
        for name in ("lr", "lr_min"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
        if self.lr_decay == "cosine" and self.lr_min > self.lr:
            raise ValueError(
                f"lr_min={self.lr_min} is above lr={self.lr}: the cosine decay would climb; "
                "set lr_min below the peak lr"
            )
        for name, least in (("max_steps", 0), ("batch_size", 1), ("seq_len", 1)):
            value = getattr(self, name)  # max_steps=0 is allowed: train nothing, evaluate nothing
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise ValueError(f"{name} must be a whole number >= {least}, got {value!r}")
        if self.clip is not None and not (math.isfinite(self.clip) and self.clip > 0):
            raise ValueError(
                f"clip must be a finite number > 0, or None to disable, got {self.clip}"
            )


@dataclass
class History:
    """What happened during training, for plots and tables."""

    train_loss: list[float] = field(default_factory=list)  # nats/token, one per step
    grad_norm: list[float] = field(default_factory=list)  # before clipping, one per step
    eval_steps: list[int] = field(default_factory=list)
    valid_nll: list[float] = field(default_factory=list)  # nats/token at eval_steps
    seconds: float = 0.0  # wall-clock time spent in training steps
    tokens: int = 0  # tokens trained on

    @property
    def final_valid_nll(self) -> float:
        return self.valid_nll[-1] if self.valid_nll else math.nan

    @property
    def final_valid_ppl(self) -> float:
        return math.exp(self.final_valid_nll)

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.seconds if self.seconds else math.nan


def optimizer_step(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    loss: torch.Tensor,
    clip: float | None,
    step: int,
) -> tuple[float, float]:
    """Backward, clip the global gradient norm, update; return (loss, norm before clipping).

    Raises :class:`TrainingError` instead of updating when the loss or the gradient is
    NaN/inf, so a diverged run stops with a message rather than training on garbage.
    """
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    # clip_grad_norm_ returns the norm *before* clipping: worth plotting.
    norm = nn.utils.clip_grad_norm_(model.parameters(), clip if clip is not None else math.inf)
    loss_value, norm_value = loss.item(), norm.item()
    if not math.isfinite(loss_value) or not math.isfinite(norm_value):
        lr = optimizer.param_groups[0]["lr"]
        raise TrainingError(
            f"training diverged at step {step + 1}: loss={loss_value}, gradient norm="
            f"{norm_value}. Lower lr (now {lr}) or clip gradients (clip, now {clip}); "
            "check the batch for NaN inputs."
        )
    optimizer.step()
    return loss_value, norm_value


def learning_rate(config: TrainConfig, step: int) -> float:
    """The learning rate for 0-based ``step``: constant, or cosine-decayed from lr to lr_min.

    A function of the step alone (no scheduler object), so a resumed run gets the same rates.
    """
    if config.lr_decay == "none":
        return config.lr
    if config.lr_decay == "cosine":
        progress = min(step / max(config.max_steps, 1), 1.0)
        return config.lr_min + 0.5 * (config.lr - config.lr_min) * (
            1 + math.cos(math.pi * progress)
        )
    raise ValueError(f"lr_decay must be 'none' or 'cosine', got {config.lr_decay!r}")


def detach_state(state):
    """Cut the graph behind a hidden state (a tensor, a tuple like LSTM's (h, c), or None)."""
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()


@torch.no_grad()
def evaluate_lm(
    model: nn.Module,
    ids: torch.Tensor,
    device: torch.device,
    batch_size: int = 16,
    seq_len: int = 256,
) -> float:
    """Mean NLL (nats/token) of ``ids`` read left to right, the state carried throughout."""
    if len(ids) < 2:
        raise DatasetError(
            f"need at least 2 tokens to score a next-token prediction, got {len(ids)}"
        )
    batch_size = min(batch_size, len(ids) - 1)
    # Cut the text into batch_size contiguous streams read in parallel, from offset 0:
    # every token but the last < batch_size ones is scored, the same ones every time.
    n = (len(ids) - 1) // batch_size * batch_size
    xs, ys = ids[:n].view(batch_size, -1), ids[1 : n + 1].view(batch_size, -1)  # (B, L)
    was_training = model.training
    model.eval()
    total, count, state = 0.0, 0, None
    for t in range(0, xs.shape[1], seq_len):
        x, y = xs[:, t : t + seq_len].to(device), ys[:, t : t + seq_len].to(device)
        logits, state = model(x, state)
        total += nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction="sum"
        ).item()
        count += y.numel()
    model.train(was_training)
    return total / count


def _payload(model, optimizer, step, epoch, batch_in_epoch, state, history, meta) -> dict:
    return {
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "progress": {"step": step, "epoch": epoch, "batch_in_epoch": batch_in_epoch},
        "state": state,  # hidden state carried into the next minibatch
        "rng": torch.get_rng_state(),  # dropout masks continue exactly after a resume
        "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        "history": asdict(history),
        "meta": meta,
    }


def train_lm(
    model: nn.Module,
    train_ids: torch.Tensor,
    valid_ids: torch.Tensor,
    config: TrainConfig,
    device: torch.device,
    vocab_fingerprint: str | None = None,
    resume: bool = False,
) -> History:
    """Train ``model`` (``forward(x, state) -> (logits, state)``) on a token stream.

    train_ids, valid_ids: 1-D int64 token ids. Returns a :class:`History`. With
    ``resume=True`` and an existing ``config.checkpoint_path`` it continues where that
    checkpoint stopped, exactly as if it had never stopped. Checkpointing requires
    ``vocab_fingerprint`` (``tokenizer.vocab.fingerprint``): a resume refuses a checkpoint
    trained on another vocabulary.
    """
    if config.checkpoint_path and not vocab_fingerprint:
        # Without it a resume could not tell a checkpoint of another vocabulary from its own.
        raise ValueError(
            "checkpointing needs vocab_fingerprint=tokenizer.vocab.fingerprint, so that a "
            "resume can check the checkpoint was trained on the same vocabulary (for data "
            "without a tokenizer pass any fixed name, e.g. vocab_fingerprint='synthetic')"
        )
    model.to(device).train()
    optimizers = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}
    if config.optimizer not in optimizers:
        raise ValueError(f"optimizer must be one of {sorted(optimizers)}, got {config.optimizer!r}")
    optimizer = optimizers[config.optimizer](model.parameters(), lr=learning_rate(config, 0))
    meta = {
        "vocab_fingerprint": vocab_fingerprint,
        "vocab_size": getattr(getattr(model, "config", None), "vocab_size", None),
        "model_config": model.config_dict() if hasattr(model, "config_dict") else None,
    }
    history, step, epoch, skip, state = History(), 0, 0, 0, None
    ckpt = Path(config.checkpoint_path) if config.checkpoint_path else None
    if resume and ckpt is not None and ckpt.exists():
        payload = read_checkpoint(ckpt, map_location=device)
        check_compatible(payload, model, vocab_fingerprint, source=ckpt)
        model.load_state_dict(payload["model"])
        optimizer.load_state_dict(payload["optimizer"])
        torch.set_rng_state(payload["rng"].cpu())
        if payload.get("cuda_rng") and torch.cuda.is_available():
            torch.cuda.set_rng_state_all([s.cpu() for s in payload["cuda_rng"]])
        history = History(**payload["history"])
        step, epoch, skip = (payload["progress"][k] for k in ("step", "epoch", "batch_in_epoch"))
        state = payload["state"]
    valid_ids = valid_ids[: config.eval_tokens] if config.eval_tokens else valid_ids
    carry = config.partition == "sequential" and config.carry_state

    bar = tqdm(total=config.max_steps, initial=step, disable=not config.progress, desc="train")
    while step < config.max_steps:
        # Each epoch's minibatch order depends only on (seed, epoch): resumable exactly.
        gen = torch.Generator().manual_seed(config.seed * 100_003 + epoch)
        batches = lm_batches(
            train_ids,
            config.batch_size,
            config.seq_len,
            config.partition,
            gen,
            config.random_lengths,
        )
        for batch_in_epoch, (x, y) in enumerate(batches):
            if batch_in_epoch < skip:
                continue  # already trained on before the checkpoint
            start = time.perf_counter()
            x, y = x.to(device), y.to(device)
            state = detach_state(state) if carry else None
            logits, state = model(x, state)  # (B, T, V)
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(config, step)
            try:
                loss_value, norm = optimizer_step(model, optimizer, loss, config.clip, step)
            except TrainingError:
                bar.close()
                raise
            history.seconds += time.perf_counter() - start
            history.tokens += y.numel()
            history.train_loss.append(loss_value)
            history.grad_norm.append(norm)
            step += 1
            bar.update(1)
            bar.set_postfix(loss=f"{loss_value:.3f}", refresh=False)  # redraw at tqdm's own pace
            last = step >= config.max_steps
            if last or (config.eval_every and step % config.eval_every == 0):
                history.eval_steps.append(step)
                history.valid_nll.append(evaluate_lm(model, valid_ids, device))
                model.train()
            if ckpt and (last or (config.checkpoint_every and step % config.checkpoint_every == 0)):
                save_checkpoint(
                    ckpt,
                    _payload(
                        model,
                        optimizer,
                        step,
                        epoch,
                        batch_in_epoch + 1,
                        detach_state(state) if carry else None,
                        history,
                        meta,
                    ),
                )
            if last:
                break
        else:  # the epoch ran out of minibatches: validate, then start the next epoch
            if not history.eval_steps or history.eval_steps[-1] != step:
                history.eval_steps.append(step)
                history.valid_nll.append(evaluate_lm(model, valid_ids, device))
                model.train()
            epoch, skip, state = epoch + 1, 0, None
            continue
        break
    bar.close()
    return history
