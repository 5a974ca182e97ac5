import pytest
import torch

from course_utils import (
    ClassifierConfig,
    RegressorConfig,
    SequenceClassifier,
    SequenceRegressor,
    SequenceTagger,
    ShapeError,
    StepwiseConfig,
    StepwiseModel,
    TaggerConfig,
    sequence_cross_entropy,
)
from course_utils.data import pad_sequences

CELLS = ["rnn", "lstm", "gru"]
SEQS = [[3, 4, 5], [6, 7], [8, 9, 10, 11, 2]]  # ids 2..11; pad id 1


def padded_to(width, seqs=SEQS, pad_id=1):
    ids, lengths = pad_sequences(seqs, pad_id)
    extra = torch.full((len(seqs), width - ids.shape[1]), pad_id, dtype=torch.int64)
    return torch.cat([ids, extra], dim=1), lengths  # (B, width)


def classifier(cell="lstm", bidirectional=False, num_layers=1):
    torch.manual_seed(0)
    config = ClassifierConfig(12, 3, 8, 6, num_layers, cell, bidirectional)
    return SequenceClassifier(config).eval()


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_classifier_logits_do_not_depend_on_padding(cell, bidirectional):
    model = classifier(cell, bidirectional, num_layers=2)
    short, long = model(*padded_to(5)), model(*padded_to(12))
    assert short.shape == (3, 3)
    torch.testing.assert_close(short, long, rtol=0, atol=1e-6)


def test_classifier_reads_the_last_real_token_not_the_padding():
    model = classifier()
    alone = model(*pad_sequences([SEQS[1]], 1))  # no padding at all
    in_batch = model(*padded_to(12))[1:2]  # padded with 10 <pad>
    torch.testing.assert_close(alone, in_batch, rtol=0, atol=1e-6)


def test_bidirectional_final_state_is_wider():
    uni, bi = classifier(), classifier(bidirectional=True)
    assert bi.head.in_features == 2 * uni.head.in_features == 12
    assert bi.num_parameters() > uni.num_parameters()


def test_num_parameters_of_a_one_layer_lstm():
    model = classifier()  # 12 x 8 embedding, LSTM 8 -> 6, linear 6 -> 3
    assert model.num_parameters() == 12 * 8 + 4 * 6 * (8 + 6 + 2) + 6 * 3 + 3


@pytest.mark.parametrize("bidirectional", [False, True])
def test_tagger_outputs_per_position_and_ignores_padding(bidirectional):
    torch.manual_seed(0)
    model = SequenceTagger(TaggerConfig(12, bidirectional=bidirectional, hidden_size=6)).eval()
    short_ids, lengths = padded_to(5)
    long_ids, _ = padded_to(9)
    short, long = model(short_ids, lengths), model(long_ids, lengths)
    assert short.shape == (3, 5, 5) and long.shape == (3, 9, 5)
    mask = torch.arange(5) < lengths[:, None]  # (B, 5) real positions
    torch.testing.assert_close(short[mask], long[:, :5][mask], rtol=0, atol=1e-6)
    tags = torch.randint(5, (3, 9)).masked_fill(torch.arange(9) >= lengths[:, None], -100)
    torch.testing.assert_close(
        sequence_cross_entropy(short, tags[:, :5]), sequence_cross_entropy(long, tags)
    )


def test_unidirectional_tagger_is_causal_bidirectional_is_not():
    ids, lengths = pad_sequences([[3, 4, 5, 6]], 1)
    changed = ids.clone()
    changed[0, 3] = 9  # change the last word only
    for bidirectional, first_changes in ((False, False), (True, True)):
        torch.manual_seed(0)
        model = SequenceTagger(TaggerConfig(12, bidirectional=bidirectional)).eval()
        a, b = model(ids, lengths)[0, 0], model(changed, lengths)[0, 0]
        assert (not torch.allclose(a, b)) == first_changes


@pytest.mark.parametrize("cell", CELLS)
def test_regressor_and_stepwise_shapes(cell):
    x = torch.rand(4, 7, 2)
    assert SequenceRegressor(RegressorConfig(cell=cell))(x).shape == (4,)
    ids = torch.randint(10, (4, 7))
    assert StepwiseModel(StepwiseConfig(cell=cell))(ids).shape == (4, 7, 10)


def test_unknown_cell():
    with pytest.raises(ValueError, match="cell must be one of"):
        SequenceRegressor(RegressorConfig(cell="transformer"))


@pytest.mark.parametrize(
    "ids,lengths,message",
    [
        (torch.zeros(2, 4), torch.tensor([4, 2]), "int64"),
        (torch.ones(2, 4, dtype=torch.int64), torch.tensor([4, 2, 1]), "one per row"),
        (torch.ones(2, 4, dtype=torch.int64), torch.tensor([4, 0]), "length of 0"),
        (torch.ones(2, 4, dtype=torch.int64), torch.tensor([4, 2], dtype=torch.int32), "int64"),
        (torch.full((2, 4), 12), torch.tensor([4, 2]), r"0\.\.11"),
    ],
)
def test_classifier_and_tagger_bad_inputs(ids, lengths, message):
    for model in (classifier(), SequenceTagger(TaggerConfig(12))):
        with pytest.raises(ShapeError, match=message):
            model(ids, lengths)


@pytest.mark.parametrize(
    "x,message",
    [
        (torch.zeros(4, 7, dtype=torch.int64), "float"),
        (torch.zeros(4, 0, 2), "time >= 1"),
        (torch.zeros(4, 7, 3), "input_size=2"),
    ],
)
def test_regressor_bad_inputs(x, message):
    with pytest.raises(ShapeError, match=message):
        SequenceRegressor(RegressorConfig())(x)


def test_stepwise_bad_inputs():
    with pytest.raises(ShapeError, match="int64"):
        StepwiseModel(StepwiseConfig())(torch.zeros(2, 5))
    with pytest.raises(ShapeError, match=r"0\.\.9"):
        StepwiseModel(StepwiseConfig())(torch.full((2, 5), 10))
