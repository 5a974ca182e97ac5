"""Train a character language model on the course's Shakespeare split, on one device or many.

One process:            python scripts/train_char_lm.py --steps 2000
Two GPUs on a machine:  torchrun --standalone --nproc_per_node=2 scripts/train_char_lm.py
Several machines:       torchrun --nnodes=2 --nproc_per_node=8 --rdzv-backend=c10d \
                            --rdzv-endpoint=HOST:29500 scripts/train_char_lm.py  (on each)

``--batch-size`` is the global batch: N processes each take batch_size / N of its rows,
so the steps are those of one process with the whole batch (see course_utils.distributed).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from course_utils import (
    RNNLM,
    CharTokenizer,
    RNNLMConfig,
    TrainConfig,
    default_corpus,
    get_device,
    set_seed,
    train_lm,
)
from course_utils import distributed as dist


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--text", type=Path, help="a UTF-8 text file (default: the course corpus)")
    p.add_argument("--train-chars", type=int, default=1_000_000)
    p.add_argument("--cell", default="lstm", choices=["rnn", "lstm", "gru"])
    p.add_argument("--hidden-size", type=int, default=256)
    p.add_argument("--embed-size", type=int, default=64)
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--batch-size", type=int, default=32, help="the global batch")
    p.add_argument("--seq-len", type=int, default=64)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--eval-every", type=int, default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=None, help="CPU threads per process")
    p.add_argument("--checkpoint", type=Path, help="save (and resume from) this file")
    p.add_argument("--history", type=Path, help="write the History as JSON here")
    args = p.parse_args()

    if args.threads:
        torch.set_num_threads(args.threads)
    set_seed(args.seed)
    if args.text:
        text = args.text.read_text(encoding="utf-8")
        cut = int(len(text) * 0.9)
        train_text, valid_text = text[:cut], text[cut:]
    else:
        corpus = default_corpus()
        train_text, valid_text = corpus.train[: args.train_chars], corpus.valid
    tokenizer = CharTokenizer.fit(train_text)
    train_ids = torch.tensor(tokenizer.encode(train_text))
    valid_ids = torch.tensor(tokenizer.encode(valid_text))
    model = RNNLM(RNNLMConfig(len(tokenizer), args.embed_size, args.hidden_size, cell=args.cell))
    config = TrainConfig(
        max_steps=args.steps,
        batch_size=args.batch_size,
        seq_len=args.seq_len,
        lr=args.lr,
        lr_decay="cosine",
        eval_every=args.eval_every,
        seed=args.seed,
        checkpoint_path=str(args.checkpoint) if args.checkpoint else None,
        checkpoint_every=args.eval_every,
        progress=dist.is_main(),
    )
    history = train_lm(
        model,
        train_ids,
        valid_ids,
        config,
        get_device(),
        tokenizer.vocab.fingerprint,
        resume=args.checkpoint is not None,
    )
    if dist.is_main():
        print(
            f"{dist.world_size()} process(es): {history.tokens:,} characters in "
            f"{history.seconds:.1f} s, validation NLL {history.final_valid_nll:.3f} nats/char"
        )
        if args.history:
            record = {
                "world_size": dist.world_size(),
                "train_loss": history.train_loss,
                "valid_nll": history.valid_nll,
                "weights": {k: v.tolist() for k, v in model.state_dict().items()},
            }
            args.history.write_text(json.dumps(record))


if __name__ == "__main__":
    main()
