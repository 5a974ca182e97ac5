"""What every course model shares: its config as a dict, and one way to count parameters."""

from __future__ import annotations

from dataclasses import asdict

import torch.nn as nn


class CourseModel(nn.Module):
    """Base class of the course's models; each sets ``self.config`` to a dataclass."""

    def num_parameters(self) -> int:
        """The model's size: every parameter entry, less those fixed at zero by a mask.

        One meaning for every model and table in the course. Freezing weights
        (``requires_grad_(False)``) changes what trains, not the model's size, so it does
        not change this count; a connectivity mask does (see ``RNNLM``), since the masked
        entries are not parameters the model has.
        """
        return sum(p.numel() for p in self.parameters()) - self.masked_entries()

    def masked_entries(self) -> int:
        """Parameter entries held at zero by a mask; none unless a model says otherwise."""
        return 0

    def config_dict(self) -> dict:
        """The config as a plain dict (stored in checkpoints, shown in tables)."""
        return asdict(self.config)
