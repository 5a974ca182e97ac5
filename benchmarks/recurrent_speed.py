"""Tokens per second: from-scratch recurrent cells vs their fused ``torch.nn`` twins, one run.

Elman (``ElmanCell`` vs ``nn.RNN``), LSTM (``LSTMCell`` vs ``nn.LSTM``), GRU (``GRUCell``
vs ``nn.GRU``).

Both get identical weights and the same batch. We time the forward pass alone
(inference) and forward + backward (a training step without the optimizer), and print
the speed ratios. Ratios measured in one run on one machine are comparable; absolute
numbers depend on the machine.

    python benchmarks/recurrent_speed.py            # CPU (or the device get_device() picks)
    python benchmarks/recurrent_speed.py --device cuda --cells lstm --hidden 512
"""

from __future__ import annotations

import argparse
import time

import torch
import torch.nn as nn

from course_utils.device import get_device, set_seed
from course_utils.models.gru import GRUCell
from course_utils.models.lstm import LSTMCell
from course_utils.models.rnn import ElmanCell, rnn_unroll


def _time(step, device: torch.device, repeats: int) -> float:
    """Seconds for ``repeats`` calls of ``step`` (waiting for the GPU, which runs async)."""
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(repeats):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - start


def compare(steps: dict, tokens: int, device: torch.device, repeats: int, rounds: int = 5) -> dict:
    """Tokens/s of each step function, best of ``rounds`` interleaved rounds.

    Interleaving and keeping the best round makes the ratio robust to other load on
    the machine: both contenders see the same background noise.
    """
    for step in steps.values():  # warm-up: allocator, thread pools, lazy init
        step()
    best = {name: float("inf") for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            best[name] = min(best[name], _time(step, device, repeats))
    return {name: tokens * repeats / seconds for name, seconds in best.items()}


CELLS = {
    "rnn": (ElmanCell, nn.RNN),
    "lstm": (LSTMCell, nn.LSTM),
    "gru": (GRUCell, nn.GRU),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default=None, help="cpu, cuda or mps (default: best)")
    parser.add_argument("--cells", nargs="+", default=list(CELLS), choices=list(CELLS))
    # 64: notebook 04's memory tasks; 128: the language models of notebooks 02-04; 512: large
    parser.add_argument("--hidden", type=int, nargs="+", default=[64, 128, 512])
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seq-len", type=int, default=64)
    parser.add_argument("--input-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    device = get_device(args.device)
    set_seed(0)
    print(
        f"device={device}  batch={args.batch_size}  seq_len={args.seq_len}  "
        f"threads={torch.get_num_threads()}  (tokens/s; ratio = torch.nn / scratch)"
    )
    header = f"{'scratch':>12} {'torch.nn':>12} {'ratio':>8}"
    print(f"{'':>11} {'forward only (inference)':^34} {'forward + backward (training)':^34}")
    print(f"{'cell':>4} {'hidden':>6} {header} {header}")
    for name in args.cells:
        cell_cls, torch_cls = CELLS[name]
        for hidden in args.hidden:
            cell = cell_cls(args.input_size, hidden).to(device)
            fused = cell.copy_to_torch(torch_cls(args.input_size, hidden, batch_first=True))
            fused = fused.to(device)
            x = torch.randn(args.batch_size, args.seq_len, args.input_size, device=device)
            with torch.no_grad():  # same weights -> same outputs: we compare like with like
                gap = (rnn_unroll(cell, x)[0] - fused(x)[0]).abs().max().item()
            assert gap < 1e-4, f"the two {name} implementations disagree by {gap}"

            @torch.no_grad()
            def scratch_forward(cell=cell, x=x):
                rnn_unroll(cell, x)

            @torch.no_grad()
            def fused_forward(fused=fused, x=x):
                fused(x)

            def scratch_train(cell=cell, x=x):
                rnn_unroll(cell, x)[0].sum().backward()

            def fused_train(fused=fused, x=x):
                fused(x)[0].sum().backward()

            tokens = args.batch_size * args.seq_len
            row = f"{name:>4} {hidden:>6}"
            for scratch, fast in ((scratch_forward, fused_forward), (scratch_train, fused_train)):
                speed = compare({"scratch": scratch, "fused": fast}, tokens, device, args.repeats)
                ratio = speed["fused"] / speed["scratch"]
                row += f" {speed['scratch']:>12,.0f} {speed['fused']:>12,.0f} {ratio:>7.2f}x"
            print(row)


if __name__ == "__main__":
    main()
