import pytest
import torch
import torch.nn.functional as F

from course_utils.caption import caption_attention, caption_images
from course_utils.data.captions import END, START, caption_vocab, decode_caption, encode_captions
from course_utils.data.padding import IGNORE_INDEX, PAD
from course_utils.decoding import beam_search, greedy_decode
from course_utils.device import set_seed
from course_utils.errors import ShapeError
from course_utils.models.captioning import CaptionConfig, Captioner
from course_utils.train import Batches, TrainConfig, train

CAPTIONS = ["a red square", "a blue circle", "A red circle."]


def test_caption_vocab_and_encoding():
    vocab = caption_vocab(CAPTIONS)
    assert vocab.itos[:4] == ["<unk>", PAD, START, END] and "red" in vocab
    cap_in, cap_out = encode_captions(["a red square", "a circle"], vocab)
    assert cap_in[0, 0] == vocab.stoi[START] and cap_out[0, 3] == vocab.stoi[END]
    assert cap_out[1, 3] == IGNORE_INDEX  # padding never enters the loss
    assert decode_caption(cap_in[0, 1:].tolist() + [vocab.stoi[END], 5], vocab) == "a red square"
    unknown, _ = encode_captions(["a green square"], vocab)
    assert unknown[0, 2] == 0  # an unseen word is <unk>, not an error


def model(attention, vocab_size=8):
    set_seed(0)
    config = CaptionConfig(
        vocab_size,
        2,
        3,
        1,
        channels=8,
        embed_size=8,
        hidden_size=16,
        attention=attention,
        attention_size=8,
    )
    return Captioner(config).eval()


@pytest.mark.parametrize("attention", [False, True])
def test_shapes_step_matches_forward_and_uint8_equals_float(attention):
    m = model(attention)
    images = torch.randint(256, (2, 3, 32, 32), dtype=torch.uint8)
    caps = torch.tensor([[2, 4, 5, 6], [2, 7, 4, 1]])
    logits, weights = m(images, caps, return_attention=True)
    assert logits.shape == (2, 4, 8)
    if attention:
        assert weights.shape == (2, 4, 16) and torch.allclose(weights.sum(-1), torch.ones(2, 4))
    else:
        assert weights is None
    assert torch.allclose(m(images.float() / 255, caps), logits, atol=1e-5)
    state, stepped = m.start(images), []
    for t in range(4):  # the step function used for generation = the teacher-forced pass
        log_probs, state = m.step(caps[:, t], state)
        stepped.append(log_probs)
    assert torch.allclose(torch.stack(stepped, 1), logits.log_softmax(-1), atol=1e-5)


def test_bad_shapes_are_explained():
    m = model(False)
    with pytest.raises(ShapeError, match="batch, 3"):
        m(torch.zeros(2, 32, 32), torch.zeros(2, 3, dtype=torch.long))
    with pytest.raises(ShapeError, match="captions_in"):
        m(torch.zeros(2, 3, 32, 32), torch.zeros(3, dtype=torch.long))


@pytest.mark.parametrize("attention", [False, True])
def test_learns_to_name_the_colour(attention):
    """Red images -> "a red", blue -> "a blue": a model that stops learning fails this."""
    vocab = caption_vocab(["a red", "a blue"])
    red, blue = torch.zeros(3, 16, 16), torch.zeros(3, 16, 16)
    red[0], blue[2] = 1.0, 1.0

    def batch(step, generator):
        pick = torch.randint(2, (16,), generator=generator)
        images = torch.stack([red if p == 0 else blue for p in pick.tolist()])
        images = images + 0.1 * torch.rand(images.shape, generator=generator)
        cap_in, cap_out = encode_captions(
            ["a red" if p == 0 else "a blue" for p in pick.tolist()], vocab
        )
        return (images, cap_in), cap_out

    set_seed(0)
    config = CaptionConfig(
        len(vocab),
        vocab.stoi[START],
        vocab.stoi[END],
        vocab.stoi[PAD],
        channels=8,
        embed_size=8,
        hidden_size=16,
        attention=attention,
        attention_size=8,
    )
    m = Captioner(config)
    loss = lambda logits, y: F.cross_entropy(logits.flatten(0, 1), y.flatten())
    train(m, Batches(batch), TrainConfig(max_steps=60, lr=1e-2), torch.device("cpu"), loss_fn=loss)
    m.eval()
    out = greedy_decode(
        m.step, m.start(torch.stack([red, blue])), 2, vocab.stoi[START], vocab.stoi[END], 5
    )
    assert [decode_caption(t, vocab) for t in out.tokens] == ["a red", "a blue"]
    best = beam_search(m.step, m.start(blue[None]), vocab.stoi[START], vocab.stoi[END], 3, 5)[0]
    assert decode_caption(best.tokens, vocab) == "a blue"
    # the package's captioner run: the same captions, in batches of any size
    cpu = torch.device("cpu")
    images = torch.stack([red, blue, blue])
    assert caption_images(m, vocab, images, 5, cpu, batch_size=2) == ["a red", "a blue", "a blue"]
    if attention:
        words, weights = caption_attention(m, vocab, blue, 5, cpu)
        assert words == ["a", "blue", "<END>"] and weights.shape == (3, 2, 2)
        torch.testing.assert_close(weights.sum((1, 2)), torch.ones(3))  # one map per word
    else:
        with pytest.raises(ValueError, match="no attention"):
            caption_attention(m, vocab, blue, 5, cpu)
    with pytest.raises(ShapeError, match="pass the vocabulary the model was trained with"):
        caption_images(m, caption_vocab(["a red", "a blue", "a green"]), images, 5, cpu)
