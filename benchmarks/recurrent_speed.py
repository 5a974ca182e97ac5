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
import statistics
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


def compare(
    scratch, fused, tokens: int, device: torch.device, repeats: int, rounds: int = 9
) -> tuple[float, float, float, float, float]:
    """Time both in ``rounds`` interleaved rounds -> (scratch tokens/s, fused tokens/s,
    median ratio fused/scratch, lowest ratio, highest ratio), speeds the medians.

    Interleaving makes each round's ratio robust to other load on the machine (both
    contenders see the same background noise); the spread of the per-round ratios shows
    how far one number can be trusted.
    """
    scratch(), fused()  # warm-up: allocator, thread pools, lazy init
    times = {"scratch": [], "fused": []}
    for _ in range(rounds):
        times["scratch"].append(_time(scratch, device, repeats))
        times["fused"].append(_time(fused, device, repeats))
    ratios = [a / b for a, b in zip(times["scratch"], times["fused"])]
    speed = {k: tokens * repeats / statistics.median(v) for k, v in times.items()}
    return speed["scratch"], speed["fused"], statistics.median(ratios), min(ratios), max(ratios)


CELLS = {
    "rnn": (ElmanCell, nn.RNN),
    "lstm": (LSTMCell, nn.LSTM),
    "gru": (GRUCell, nn.GRU),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default=None, help="cpu, cuda or mps (default: best)")
    parser.add_argument("--cells", nargs="+", default=list(CELLS), choices=list(CELLS))
    # 64: notebook 05's memory tasks; 128: the language models of notebooks 02-06; 256, 512
    parser.add_argument("--hidden", type=int, nargs="+", default=[64, 128, 256, 512])
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seq-len", type=int, default=64)
    parser.add_argument("--input-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    device = get_device(args.device)
    set_seed(0)
    print(
        f"device={device}  batch={args.batch_size}  seq_len={args.seq_len}  "
        f"threads={torch.get_num_threads()}  (tokens/s, medians of interleaved rounds; "
        "ratio = torch.nn / scratch, median [lowest-highest] over the rounds)"
    )
    header = f"{'scratch':>12} {'torch.nn':>12} {'ratio [spread]':>20}"
    print(f"{'':>11} {'forward only (inference)':^46} {'forward + backward (training)':^46}")
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
                slow_speed, fast_speed, ratio, low, high = compare(
                    scratch, fast, tokens, device, args.repeats
                )
                row += f" {slow_speed:>12,.0f} {fast_speed:>12,.0f} {ratio:>7.2f}x"
                row += f" [{low:.2f}-{high:.2f}]"
            print(row)


if __name__ == "__main__":
    main()
