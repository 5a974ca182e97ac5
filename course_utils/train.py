"""The course's one training loop: language models and independent batches, one contract.

Two kinds of data go through :func:`train`:

* :class:`TokenStream`: one long text for a language model, cut into chunks of
  ``seq_len`` tokens for **truncated backpropagation through time** (Williams & Peng
  1990). Gradients flow back through one chunk only, but with sequential partitioning
  the hidden state is *carried* into the next chunk (detached from the graph), so the
  model still sees context beyond ``seq_len`` in the forward pass. The model's forward
  is ``model(x, state) -> (logits, state)``.
* :class:`Batches`: independent examples (classifiers, taggers, seq2seq, captioning):
  ``make_batch(step, generator) -> (inputs, target)`` and ``model(*inputs)``; the state
  starts from zero in every batch.

Both share what a training loop must guarantee: Adam or SGD, gradient clipping
(Pascanu et al. 2013), a constant or cosine learning rate (``torch.optim.lr_scheduler``),
a stop with a message when the loss turns NaN, atomic checkpoints and an exact resume
(weights, optimizer, schedule, RNG, carried state and the position in the data).
Under ``torchrun`` the same call trains with DistributedDataParallel (see
:mod:`course_utils.distributed`).
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import torch
import torch.nn as nn
from tqdm.auto import tqdm

from course_utils import distributed
from course_utils.checkpoint import check_compatible, read_checkpoint, save_checkpoint
from course_utils.data.batching import PARTITIONS, lm_batches
from course_utils.errors import CheckpointError, DatasetError, TrainingError

OPTIMIZERS = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}
LR_DECAYS = ("none", "cosine")


@dataclass
class TrainConfig:
    """How to train; every field has the default the notebooks start from."""

    max_steps: int = 1000  # optimizer steps in total: the training budget
    lr: float = 2e-3  # learning rate (the peak, when lr_decay is on)
    lr_decay: str = "none"  # "none" (constant) or "cosine" (lr -> lr_min over max_steps)
    lr_min: float = 0.0  # where the cosine decay ends
    optimizer: str = "adam"  # "adam", or "sgd" (plain steps: shows why clipping matters)
    clip: float | None = 1.0  # max global gradient norm; None disables clipping
    seed: int = 0  # seeds the minibatch order (and the generator make_batch is given)
    progress: bool = False  # a tqdm bar; off by default, as train() is often called in a loop
    mixed_precision: bool = False  # bfloat16 autocast on CUDA; ignored elsewhere
    eval_every: int | None = None  # also validate every N steps (and at the end)
    checkpoint_path: str | None = None  # where to save; None disables checkpoints
    checkpoint_every: int | None = None  # save every N steps (and at the end)
    # language models (TokenStream) only
    batch_size: int = 32  # sequences per minibatch (the global batch under torchrun)
    seq_len: int = 64  # BPTT truncation length (tokens per chunk)
    partition: str = "sequential"  # "sequential" or "random" minibatches
    carry_state: bool = True  # sequential only: carry the hidden state across minibatches
    random_lengths: bool = False  # sequential only: chunk lengths vary around seq_len
    eval_tokens: int | None = None  # validate on the first N tokens only (None: all)

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
        for name, allowed in (
            ("optimizer", tuple(OPTIMIZERS)),
            ("lr_decay", LR_DECAYS),
            ("partition", PARTITIONS),
        ):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {allowed}, got {getattr(self, name)!r}")

    # A notebook's Config names its training fields after the experiment ("lm_steps",
    # "names_batch"): with a prefix, "steps" and "batch" stand for max_steps and batch_size.
    _ALIASES = {"max_steps": "steps", "batch_size": "batch"}

    @classmethod
    def from_config(cls, cfg: Any, prefix: str = "", **overrides: Any) -> TrainConfig:
        """A TrainConfig from a notebook config: its fields ``prefix + name``, then overrides.

        ``TrainConfig.from_config(cfg, "lm_", lr_decay="cosine")`` reads ``cfg.lm_steps``
        (or ``cfg.lm_max_steps``), ``cfg.lm_batch``, ``cfg.lm_lr``, ``cfg.lm_seq_len``, ...
        and ``cfg.seed``; a field the config lacks keeps its default.
        """
        values: dict[str, Any] = {}
        for f in fields(cls):
            for name in (prefix + f.name, prefix + cls._ALIASES.get(f.name, f.name)):
                if hasattr(cfg, name):
                    values[f.name] = getattr(cfg, name)
                    break
            else:
                if f.name == "seed" and hasattr(cfg, "seed"):
                    values["seed"] = cfg.seed  # one seed per notebook, shared by every run
        unknown = set(overrides) - {f.name for f in fields(cls)}
        if unknown:
            raise TypeError(f"TrainConfig has no field(s) {sorted(unknown)}")
        return cls(**(values | overrides))


@dataclass
class History:
    """What happened during training, for plots and tables."""

    train_loss: list[float] = field(default_factory=list)  # nats/token, one per step
    grad_norm: list[float] = field(default_factory=list)  # before clipping, one per step
    lr: list[float] = field(default_factory=list)  # the learning rate of each step
    eval_steps: list[int] = field(default_factory=list)
    valid_nll: list[float] = field(default_factory=list)  # nats/token at eval_steps
    seconds: float = 0.0  # wall-clock time spent in training steps
    tokens: int = 0  # target entries trained on (tokens, for a language model)

    @property
    def final_valid_nll(self) -> float:
        return self.valid_nll[-1] if self.valid_nll else math.nan

    @property
    def final_valid_ppl(self) -> float:
        return math.exp(self.final_valid_nll)

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.seconds if self.seconds else math.nan


# ----------------------------------------------------------------------------- the data


class TokenStream:
    """A language model's data: one long text read in (x, y) chunks, the state carried."""

    stateful = True  # forward(x, state) -> (logits, state)

    def __init__(self, ids: torch.Tensor, config: TrainConfig):
        self.ids, self.config = ids, config

    def epoch(self, epoch: int, generator: torch.Generator, step: int) -> Iterator[tuple]:
        """The epoch's minibatches, x and y: (batch, seq_len) int64."""
        c = self.config
        return lm_batches(
            self.ids, c.batch_size, c.seq_len, c.partition, generator, c.random_lengths
        )

    def generator(self, epoch: int, seed: int) -> torch.Generator:
        # Each epoch's order depends only on (seed, epoch): a resume recreates it exactly.
        return torch.Generator().manual_seed(seed * 100_003 + epoch)


class Batches:
    """Independent minibatches: ``make_batch(step, generator) -> (inputs, target)``, on the CPU.

    ``inputs`` is a tensor or a tuple of arguments for ``model(*inputs)``; ``target`` a
    tensor or a tuple of tensors. One endless epoch: every step draws a fresh batch.
    """

    stateful = False

    def __init__(self, make_batch: Callable[[int, torch.Generator], tuple]):
        self.make_batch = make_batch

    def epoch(self, epoch: int, generator: torch.Generator, step: int) -> Iterator[tuple]:
        while True:  # from ``step`` on: a resumed run continues with the next step's batch
            yield self.make_batch(step, generator)
            step += 1

    def generator(self, epoch: int, seed: int) -> torch.Generator:
        return torch.Generator().manual_seed(seed)


def lm_loss(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy: logits (B, T, V), y (B, T) int64."""
    return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))


# ----------------------------------------------------------------------------- one step


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
    loss.backward()  # under DDP the gradients arrive averaged over every process
    # clip_grad_norm_ returns the norm *before* clipping: worth plotting.
    norm = nn.utils.clip_grad_norm_(model.parameters(), clip if clip is not None else math.inf)
    loss_value, norm_value = distributed.mean(loss.detach()), norm.item()
    if not math.isfinite(loss_value) or not math.isfinite(norm_value):
        lr = optimizer.param_groups[0]["lr"]
        raise TrainingError(
            f"training diverged at step {step + 1}: loss={loss_value}, gradient norm="
            f"{norm_value}. Lower lr (now {lr}) or clip gradients (clip, now {clip}); "
            "check the batch for NaN inputs."
        )
    optimizer.step()
    return loss_value, norm_value


def autocast(device: torch.device, mixed_precision: bool):
    """bfloat16 autocast on a CUDA GPU that supports it; on anything else, plain float32.

    bfloat16 has float32's exponent range, so unlike float16 it needs no loss scaling.
    On a CPU mixed precision is slower than float32 for models this size: never used there.
    """
    if mixed_precision and device.type == "cuda" and torch.cuda.is_bf16_supported():
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def detach_state(state):
    """Cut the graph behind a hidden state (a tensor, a tuple like LSTM's (h, c), or None)."""
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()


def _to(value, device: torch.device):
    if isinstance(value, (tuple, list)):
        return tuple(_to(v, device) for v in value)
    return value.to(device) if isinstance(value, torch.Tensor) else value


@torch.no_grad()
def evaluate_lm(
    model: nn.Module,
    ids: torch.Tensor,
    device: torch.device,
    batch_size: int = 16,
    seq_len: int = 256,
) -> float:
    """Mean NLL (nats/token) of ``ids`` (1-D int64) read left to right, the state carried."""
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


@torch.no_grad()
def evaluate_windowed(
    model: nn.Module, ids: torch.Tensor, device: torch.device, window: int, batch_size: int = 16
) -> float:
    """Mean NLL (nats/token) of ``ids`` for a model that sees ``window`` tokens, not a state:
    windows overlap by half, and each scores its second half only, so every scored token sees
    at least ``window // 2`` tokens before it (the first half-window is scored once, from 0)."""
    if len(ids) <= window:
        raise DatasetError(f"need more than window={window} tokens to score, got {len(ids)}")
    stride = window // 2
    starts = list(range(0, len(ids) - window, stride))
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    for k in range(0, len(starts), batch_size):
        rows = starts[k : k + batch_size]
        x = torch.stack([ids[s : s + window] for s in rows]).to(device)  # (b, window)
        y = torch.stack([ids[s + 1 : s + window + 1] for s in rows]).to(device)
        logits, _ = model(x)
        nll = nn.functional.cross_entropy(
            logits.transpose(1, 2), y, reduction="none"
        )  # (b, window)
        keep = torch.ones_like(nll, dtype=torch.bool)
        keep[:, :stride] = torch.tensor([s == 0 for s in rows], device=device)[:, None]
        total += nll[keep].sum().item()
        count += int(keep.sum())
    model.train(was_training)
    return total / count


# ----------------------------------------------------------------------------- the loop


def train(
    model: nn.Module,
    data: TokenStream | Batches,
    config: TrainConfig,
    device: torch.device,
    *,
    loss_fn: Callable[[Any, Any], torch.Tensor] = lm_loss,
    evaluate: Callable[[nn.Module], float] | None = None,
    forward_kwargs: Mapping[str, Any] | Callable[[int], Mapping[str, Any]] | None = None,
    vocab_fingerprint: str | None = None,
    resume: bool = False,
) -> History:
    """Train ``model`` on ``data`` for ``config.max_steps`` steps; return a :class:`History`.

    Each step's loss is ``loss_fn(output, target)``; for a :class:`TokenStream` the output
    is the logits and the default :func:`lm_loss` applies. ``evaluate(model)`` (a
    validation loss, e.g. ``lambda m: evaluate_lm(m, valid_ids, device)``) runs every
    ``config.eval_every`` steps and at the end (only there: a curve's points lie on one grid).
    ``forward_kwargs`` go to the model's forward: a dict, or a function of the 0-based
    step (e.g. a teacher-forcing ratio that decays). With ``resume=True`` and an
    existing ``config.checkpoint_path`` the run continues exactly where that checkpoint
    stopped. Checkpointing requires ``vocab_fingerprint`` (``tokenizer.vocab.fingerprint``)
    so a resume refuses a checkpoint trained on another vocabulary.
    """
    if config.checkpoint_path and not vocab_fingerprint:
        # Without it a resume could not tell a checkpoint of another vocabulary from its own.
        raise ValueError(
            "checkpointing needs vocab_fingerprint=tokenizer.vocab.fingerprint, so that a "
            "resume can check the checkpoint was trained on the same vocabulary (for data "
            "without a tokenizer pass any fixed name, e.g. vocab_fingerprint='synthetic')"
        )
    if not callable(forward_kwargs):
        fixed = dict(forward_kwargs or {})
        forward_kwargs = lambda step: fixed  # noqa: E731 - one call shape below
    # Under torchrun: one process per device, each gets its share of every global batch.
    device = distributed.setup(device)  # e.g. "cuda" -> cuda:LOCAL_RANK, before anything moves
    model.to(device).train()
    net = distributed.wrap(model, device)
    optimizer = OPTIMIZERS[config.optimizer](model.parameters(), lr=config.lr)
    scheduler = (
        torch.optim.lr_scheduler.CosineAnnealingLR(
            optimizer, T_max=max(config.max_steps, 1), eta_min=config.lr_min
        )
        if config.lr_decay == "cosine"
        else None
    )
    meta = {
        "vocab_fingerprint": vocab_fingerprint,
        "vocab_size": getattr(getattr(model, "config", None), "vocab_size", None),
        "model_config": model.config_dict() if hasattr(model, "config_dict") else None,
        "world_size": distributed.world_size(),
    }
    history, step, epoch, skip, state = History(), 0, 0, 0, None
    ckpt = Path(config.checkpoint_path) if config.checkpoint_path else None
    generator = None
    if resume and ckpt is not None and ckpt.exists():
        payload = read_checkpoint(ckpt, map_location=device)
        check_compatible(payload, model, vocab_fingerprint, source=ckpt)
        distributed.check_resume(payload, ckpt)
        model.load_state_dict(payload["model"])
        optimizer.load_state_dict(payload["optimizer"])
        if scheduler is not None:
            if payload.get("scheduler") is None:
                raise CheckpointError(
                    f"{ckpt} holds no learning-rate schedule (written without lr_decay, or "
                    "by an older version of the course); resume it with the same lr_decay, "
                    "or start a new run"
                )
            scheduler.load_state_dict(payload["scheduler"])
        torch.set_rng_state(payload["rng"].cpu())
        if payload.get("cuda_rng") and torch.cuda.is_available():
            torch.cuda.set_rng_state_all([s.cpu() for s in payload["cuda_rng"]])
        history = History(**payload["history"])
        step, epoch, skip = (payload["progress"][k] for k in ("step", "epoch", "batch_in_epoch"))
        state = distributed.own_share(payload["state"])
        if payload.get("generator") is not None:
            generator = torch.Generator()
            generator.set_state(payload["generator"])
    carry = data.stateful and config.partition == "sequential" and config.carry_state

    def validate() -> None:
        if evaluate is not None and (not history.eval_steps or history.eval_steps[-1] != step):
            history.eval_steps.append(step)
            history.valid_nll.append(evaluate(model))
            model.train()

    def save(batch_in_epoch: int) -> None:
        payload = {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict() if scheduler is not None else None,
            "progress": {"step": step, "epoch": epoch, "batch_in_epoch": batch_in_epoch},
            # the hidden state carried into the next minibatch, one per process
            "state": distributed.gather(detach_state(state) if carry else None),
            "rng": torch.get_rng_state(),  # dropout masks continue exactly after a resume
            "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
            "generator": None if data.stateful else generator.get_state(),
            "history": asdict(history),
            "meta": meta,
        }
        if distributed.is_main():
            save_checkpoint(ckpt, payload)
        distributed.barrier()

    bar = tqdm(total=config.max_steps, initial=step, disable=not config.progress, desc="train")
    try:
        while step < config.max_steps:
            if data.stateful or generator is None:  # (a resumed Batches run restored its own)
                generator = data.generator(epoch, config.seed)
            for batch_in_epoch, (inputs, target) in enumerate(data.epoch(epoch, generator, step)):
                if data.stateful and batch_in_epoch < skip:
                    continue  # already trained on before the checkpoint
                start = time.perf_counter()
                inputs, target = distributed.share((inputs, target))
                inputs, target = _to(inputs, device), _to(target, device)
                inputs = inputs if isinstance(inputs, tuple) else (inputs,)
                with autocast(device, config.mixed_precision):
                    if data.stateful:
                        state = detach_state(state) if carry else None
                        output, state = net(*inputs, state, **forward_kwargs(step))  # (B, T, V)
                    else:
                        output = net(*inputs, **forward_kwargs(step))
                    loss = loss_fn(output, target)
                history.lr.append(optimizer.param_groups[0]["lr"])
                loss_value, norm = optimizer_step(model, optimizer, loss, config.clip, step)
                if scheduler is not None:
                    scheduler.step()
                history.seconds += time.perf_counter() - start
                history.tokens += _numel(target) * distributed.world_size()
                history.train_loss.append(loss_value)
                history.grad_norm.append(norm)
                step += 1
                bar.update(1)
                bar.set_postfix(loss=f"{loss_value:.3f}", refresh=False)  # at tqdm's own pace
                last = step >= config.max_steps
                if last or (config.eval_every and step % config.eval_every == 0):
                    validate()
                every = config.checkpoint_every
                if ckpt and (last or (every and step % every == 0)):
                    save(batch_in_epoch + 1)
                if last:
                    break
            else:  # the text ran out of minibatches: start the next epoch
                epoch, skip, state = epoch + 1, 0, None
                continue
            break
    finally:
        bar.close()
    return history


def _numel(target) -> int:
    first = target[0] if isinstance(target, tuple) else target
    return first.numel() if isinstance(first, torch.Tensor) else 0


def train_lm(
    model: nn.Module,
    train_ids: torch.Tensor,
    valid_ids: torch.Tensor,
    config: TrainConfig,
    device: torch.device,
    vocab_fingerprint: str | None = None,
    resume: bool = False,
) -> History:
    """:func:`train` on a token stream, validated on ``valid_ids`` (both 1-D int64)."""
    valid_ids = valid_ids[: config.eval_tokens] if config.eval_tokens else valid_ids
    return train(
        model,
        TokenStream(train_ids, config),
        config,
        device,
        evaluate=lambda m: evaluate_lm(m, valid_ids, device),
        vocab_fingerprint=vocab_fingerprint,
        resume=resume,
    )
