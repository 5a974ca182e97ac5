"""Run a trained captioner on images: words out, and where it looked for each word.

The captioning twin of :mod:`course_utils.translate`: the same greedy search of
:mod:`course_utils.decoding`, from ``<START>`` until ``<END>`` (the ids the model's
config names), and the same attention routine (:func:`~course_utils.decoding.decoder_attention`).
"""

from __future__ import annotations

import torch

from course_utils.data.captions import END, decode_caption, encode_captions
from course_utils.data.vocab import Vocab
from course_utils.decoding import decoder_attention, greedy_decode
from course_utils.errors import ShapeError
from course_utils.models.captioning import Captioner


def _check(model: Captioner, vocab: Vocab) -> None:
    # The model knows its start and end ids; a vocabulary that disagrees is another one.
    if len(vocab) != model.config.vocab_size or vocab.itos[model.config.end_id] != END:
        raise ShapeError(
            f"this captioner was built for a vocabulary of {model.config.vocab_size} words "
            f"with <END> at id {model.config.end_id}; the vocabulary passed has {len(vocab)} "
            "words: pass the vocabulary the model was trained with"
        )


@torch.no_grad()
def caption_images(
    model: Captioner,
    vocab: Vocab,
    images: torch.Tensor,
    max_words: int,
    device: torch.device,
    batch_size: int = 500,
) -> list[str]:
    """Greedy captions of images (N, 3, S, S) uint8 or float: N strings without <START>/<END>."""
    _check(model, vocab)
    if images.dim() != 4:
        raise ShapeError(f"images must be (N, 3, size, size), got {tuple(images.shape)}")
    was_training = model.training
    model.eval()
    start_id, end_id = model.config.start_id, model.config.end_id
    captions = []
    for i in range(0, len(images), batch_size):
        chunk = images[i : i + batch_size].to(device)
        out = greedy_decode(model.step, model.start(chunk), len(chunk), start_id, end_id, max_words)
        captions += [decode_caption(tokens, vocab) for tokens in out.tokens]
    model.train(was_training)
    return captions


def caption_attention(
    model: Captioner, vocab: Vocab, image: torch.Tensor, max_words: int, device: torch.device
) -> tuple[list[str], torch.Tensor]:
    """The greedy caption of one image (3, S, S) and where the model looked for each word.

    -> (words + ["<END>"], weights (T, G, G)): one map over the G x G feature grid per word.
    """
    caption = caption_images(model, vocab, image[None], max_words, device)[0]
    cap_in, _ = encode_captions([caption], vocab)  # (1, T): <START> + the words
    weights = decoder_attention(model, (image[None].to(device),), cap_in.to(device))  # (T, P)
    grid = int(round(weights.shape[-1] ** 0.5))
    return caption.split() + [END], weights.reshape(-1, grid, grid)
