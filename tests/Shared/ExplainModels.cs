using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Text;

namespace LstmSharp.Tests;

/// <summary>A small random model on a text of quotes, brackets and indented lines, for the explainer and its report.</summary>
internal static class ExplainModels
{
    private const string Quoted = "she said \"go on\" and (he said \"no\") then [x] {\"a\" (b)} ok. ";

    public static (CharModel<float> Model, Vocabulary Vocabulary, string Text) Random(CellType cellType, int layers = 2, int hidden = 6)
    {
        string text = string.Concat(Enumerable.Repeat(Quoted + "\n  indented \"line\" here\n", 12));
        var vocabulary = Vocabulary.FromText(text);
        var model = new CharModel<float>(cellType, vocabulary.Count, hidden, layers);
        model.Initialize(Initialization.PyTorchUniform, 9);
        foreach ((float[] parameters, float[] _) in model.ParameterBuffers)
        {
            for (int index = 0; index < parameters.Length; index++)
            {
                parameters[index] *= 4;   // wide enough weights that some gates saturate
            }
        }

        return (model, vocabulary, text);
    }
}
