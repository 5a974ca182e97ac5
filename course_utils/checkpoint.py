"""Checkpoints: written atomically, loaded safely, checked against the model and vocabulary.

A checkpoint is a plain dict of tensors and numbers, so ``torch.load(weights_only=True)``
can read it without unpickling arbitrary code. Saving goes to a temporary file in the
same folder and is moved into place with ``os.replace``: a crash mid-save leaves the
previous checkpoint intact.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
import torch.nn as nn

from course_utils.atomic import atomic_write
from course_utils.errors import CheckpointError


def save_checkpoint(path: str | Path, payload: dict[str, Any]) -> Path:
    """Write ``payload`` to ``path`` atomically; return the path."""
    return atomic_write(Path(path), lambda f: torch.save(payload, f))


def read_checkpoint(path: str | Path, map_location: str | torch.device = "cpu") -> dict[str, Any]:
    """Load a checkpoint dict with ``weights_only=True``; clear errors if missing or corrupt."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint {path} does not exist; train first or check the path.")
    try:
        payload = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:  # torch's loader raises many types on a damaged file
        reason = (str(err).splitlines() or [type(err).__name__])[0]
        raise CheckpointError(
            f"{path} is not a readable checkpoint (truncated, or not written by "
            f"save_checkpoint): {reason}"
        ) from None
    if not isinstance(payload, dict) or "model" not in payload:
        raise CheckpointError(f"{path} holds no model weights; was it written by this course?")
    return payload


def check_compatible(
    payload: dict[str, Any],
    model: nn.Module,
    vocab_fingerprint: str | None,
    source: str | Path = "checkpoint",
) -> None:
    """Raise :class:`CheckpointError` if the checkpoint was made for another vocabulary or shape."""
    meta = payload.get("meta", {})
    saved = meta.get("vocab_fingerprint")
    if (saved is None) != (vocab_fingerprint is None):
        have, lack = ("the checkpoint", "the caller") if saved else ("the caller", "the checkpoint")
        raise CheckpointError(
            f"cannot check the vocabulary of {source}: {have} names one "
            f"({saved or vocab_fingerprint}) but {lack} does not; pass "
            "vocab_fingerprint=tokenizer.vocab.fingerprint of the tokenizer it was trained with"
        )
    if saved is not None and saved != vocab_fingerprint:
        raise CheckpointError(
            f"{source} was trained with another vocabulary ({meta.get('vocab_size')} tokens, "
            f"fingerprint {saved}) than this model's (fingerprint {vocab_fingerprint}); load the "
            "tokenizer it was trained with, or train a new model for this vocabulary."
        )
    own = model.state_dict()
    problems = [
        f"{k}: checkpoint {tuple(v.shape)} vs model {tuple(own[k].shape)}"
        for k, v in payload["model"].items()
        if k in own and own[k].shape != v.shape
    ]
    missing = sorted(set(own) - set(payload["model"]))
    extra = sorted(set(payload["model"]) - set(own))
    if problems or missing or extra:
        detail = "; ".join(
            problems[:3]
            + [f"missing {missing[:3]}"] * bool(missing)
            + [f"unexpected {extra[:3]}"] * bool(extra)
        )
        raise CheckpointError(
            f"{source} does not fit this model ({detail}); build the model with the config "
            f"stored in the checkpoint: {meta.get('model_config')}"
        )
