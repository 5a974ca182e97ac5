import pytest
import torch

from course_utils import RNNLM, RNNLMConfig, ShapeError, VocabError, WordTokenizer, generate
from course_utils.generate import next_token


@pytest.fixture
def model(char_tok):
    torch.manual_seed(0)
    return RNNLM(RNNLMConfig(len(char_tok), embed_size=8, hidden_size=16))


def argmax_decode(model, tok, prompt, n):
    """Greedy decoding the slow way: rerun the whole sequence for every new token.

    Like generate(), it never picks <unk> (a placeholder, not text).
    """
    ids = tok.encode(prompt)
    with torch.no_grad():
        for _ in range(n):
            logits, _ = model(torch.tensor([ids]))
            scores = logits[0, -1].clone()
            scores[tok.vocab.unk_index] = float("-inf")
            ids.append(int(scores.argmax()))
    return tok.decode(ids)


def test_greedy_equals_argmax_decoding(model, char_tok):
    text = generate(model, char_tok, "the ", max_new_tokens=15, temperature=0)
    assert text == argmax_decode(model, char_tok, "the ", 15)
    assert generate(model, char_tok, "the ", max_new_tokens=15, temperature=0, seed=5) == text


def test_never_emits_unk(model, char_tok):
    with torch.no_grad():  # make <unk> the model's favourite token
        model.head.bias[char_tok.vocab.unk_index] = 100.0
    text = generate(model, char_tok, "the ", max_new_tokens=30, temperature=1.0)
    assert "<unk>" not in text and len(text) == len("the ") + 30


def test_same_seed_same_sample(model, char_tok):
    a = generate(model, char_tok, "the", max_new_tokens=30, seed=1)
    assert a.startswith("the") and len(a) >= 33  # an untrained model may sample <unk>
    assert generate(model, char_tok, "the", max_new_tokens=30, seed=1) == a
    assert generate(model, char_tok, "the", max_new_tokens=30, seed=2) != a


def test_top_k_one_equals_greedy(model, char_tok):
    greedy = generate(model, char_tok, "dog", max_new_tokens=12, temperature=0)
    assert generate(model, char_tok, "dog", max_new_tokens=12, top_k=1, seed=3) == greedy


def test_generate_restores_training_mode(model, char_tok):
    model.train()
    generate(model, char_tok, "a", max_new_tokens=2)
    assert model.training


def test_unseen_prompt_character_raises(model, char_tok):
    with pytest.raises(VocabError, match=r"\['Z'\]"):
        generate(model, char_tok, "the Zoo", max_new_tokens=2)


def test_empty_prompt_raises(model, char_tok):
    with pytest.raises(ShapeError, match="prompt is empty"):
        generate(model, char_tok, "", max_new_tokens=2)


def test_top_k_limits_the_choices():
    logits = torch.tensor([[0.0, 3.0, 2.9, -1.0, 1.0]])
    gen = torch.Generator().manual_seed(0)
    picks = {int(next_token(logits, 1.0, top_k=2, generator=gen)) for _ in range(200)}
    assert picks == {1, 2}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(temperature=-0.5), "temperature must be a finite number >= 0"),
        (dict(top_k=0), "top_k must be a whole number >= 1"),
    ],
)
def test_next_token_rejects_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        next_token(torch.zeros(1, 4), **kwargs)


def test_word_level_generation_keeps_word_boundaries():
    tok = WordTokenizer.fit("to be or not to be", min_freq=1)
    torch.manual_seed(0)
    model = RNNLM(RNNLMConfig(len(tok), embed_size=4, hidden_size=8))
    text = generate(model, tok, "to be", max_new_tokens=3, temperature=0)
    assert tok.tokenize(text)[:2] == ["to", "be"] and len(tok.tokenize(text)) == 5
