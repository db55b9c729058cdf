namespace LstmSharp.Cli.Tests;

public sealed class LongRangeTaskTests
{
    [Theory]
    [InlineData(50, null)]
    [InlineData(60, 1)]
    public void KeyRecall_Generate_AnswerIsTheKeyAtItsDistance(int distance, int? minimum)
    {
        var task = new KeyRecallTask(distance, keyCount: 5, minimumDistance: minimum);
        var random = new SeededRandom(1);
        for (int sample = 0; sample < 200; sample++)
        {
            LongRangeSample example = task.Generate(random);
            Assert.Equal(task.InputLength + 1, example.Text.Length);
            Assert.Equal('?', example.Text[example.QueryPosition]);
            Assert.Equal(example.Text[example.KeyPosition], example.Text[^1]);
            Assert.Single(example.Text[..^1], char.IsUpper);
            Assert.InRange(example.Distance, minimum ?? distance, distance);
            Assert.Equal(example.Ids[example.KeyPosition], example.TargetId);
        }
    }

    [Fact]
    public void BracketMatching_Generate_InnerPairsBalancedAndAnswerClosesTheFirst()
    {
        var task = new BracketMatchingTask(40, bracketRate: 0.3);
        var random = new SeededRandom(2);
        const string opening = "([{<", closing = ")]}>";
        for (int sample = 0; sample < 200; sample++)
        {
            string text = task.Generate(random).Text;
            Assert.Equal(closing[opening.IndexOf(text[0], StringComparison.Ordinal)], text[^1]);
            Assert.Equal('|', text[^2]);
            var open = new Stack<char>();
            foreach (char character in text[1..^2])
            {
                if (opening.Contains(character, StringComparison.Ordinal))
                {
                    open.Push(character);
                }
                else if (closing.Contains(character, StringComparison.Ordinal))
                {
                    Assert.Equal(opening[closing.IndexOf(character, StringComparison.Ordinal)], open.Pop());
                }
            }

            Assert.Empty(open);
        }
    }

    [Fact]
    public void FillBatch_TimeMajor_StreamsAreSamples()
    {
        var task = new KeyRecallTask(10);
        var inputs = new int[task.InputLength * 3];
        var targets = new int[3];

        task.FillBatch(new SeededRandom(3), 3, inputs, targets);

        var random = new SeededRandom(3);
        for (int stream = 0; stream < 3; stream++)
        {
            LongRangeSample sample = task.Generate(random);
            Assert.Equal(sample.Inputs.ToArray(), Enumerable.Range(0, task.InputLength).Select(step => inputs[step * 3 + stream]));
            Assert.Equal(sample.TargetId, targets[stream]);
        }
    }
}
