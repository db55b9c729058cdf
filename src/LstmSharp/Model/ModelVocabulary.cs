using System.Numerics;
using LstmSharp.Text;

namespace LstmSharp.Model;

/// <summary>
/// Moves a trained model onto a larger vocabulary for fine-tuning on a text with new characters (char-rnn's
/// <c>init_from</c> with new characters): every existing character keeps its learned input column and head row, moved
/// with its id; the new characters' columns and rows are initialised as a new model's would be.
/// </summary>
public static class ModelVocabulary
{
    /// <summary>
    /// A new model over <paramref name="extended"/> with every parameter of <paramref name="model"/>: the recurrent
    /// layers unchanged, and for each character of <paramref name="vocabulary"/> its column of <c>rnn.weight_ih_l0</c>,
    /// its row of <c>head.weight</c> and its entry of <c>head.bias</c> moved to its id in <paramref name="extended"/>.
    /// The new characters' columns, rows and biases are those of a new model initialised with
    /// <paramref name="initialization"/> and <paramref name="seed"/>. On text of old characters, the extended model's
    /// hidden states are the old model's and so are the logits of the old characters.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="model">The trained model.</param>
    /// <param name="vocabulary">Its vocabulary (V characters).</param>
    /// <param name="extended">The new vocabulary; it must hold every character of <paramref name="vocabulary"/>.</param>
    /// <param name="initialization">How the new characters' parameters are drawn.</param>
    /// <param name="seed">The seed of the new characters' parameters.</param>
    /// <returns>The extended model (a new object; <paramref name="model"/> is left as it is).</returns>
    /// <exception cref="ArgumentException">The vocabulary does not match the model, or <paramref name="extended"/> lacks one of its characters (named).</exception>
    public static CharModel<T> Extend<T>(CharModel<T> model, Vocabulary vocabulary, Vocabulary extended, Initialization initialization, ulong seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(extended);
        ThrowHelper.CheckVocabularySize(vocabulary.Count, model.VocabularySize, nameof(vocabulary));

        // newId[old id]: where each existing character goes.
        var newId = new int[vocabulary.Count];
        var lacking = new List<string>();
        for (int id = 0; id < vocabulary.Count; id++)
        {
            if (!extended.TryGetId(vocabulary[id], out newId[id]))
            {
                lacking.Add(ThrowHelper.DescribeCharacter(vocabulary[id].Value));
            }
        }

        if (lacking.Count > 0)
        {
            ThrowHelper.ThrowArgument($"The extended vocabulary lacks {lacking.Count} of the model's characters: {string.Join(", ", lacking)}.", nameof(extended));
        }

        var result = new CharModel<T>(model.CellType, extended.Count, model.HiddenSize, model.Layers.Count);
        result.Initialize(initialization, seed);
        int oldWidth = vocabulary.Count, newWidth = extended.Count;
        for (int index = 0; index < model.Tensors.Count; index++)
        {
            ModelTensor<T> source = model.Tensors[index], target = result.Tensors[index];
            ReadOnlySpan<T> from = source.Values;
            Span<T> to = target.Values;
            switch (source.Name)
            {
                case "rnn.weight_ih_l0":
                    // (G·H, V): one column per character.
                    for (int row = 0; row < source.Shape[0]; row++)
                    {
                        for (int id = 0; id < oldWidth; id++)
                        {
                            to[row * newWidth + newId[id]] = from[row * oldWidth + id];
                        }
                    }

                    break;
                case "head.weight":
                    // (V, H): one row per character.
                    int hidden = source.Shape[1];
                    for (int id = 0; id < oldWidth; id++)
                    {
                        from.Slice(id * hidden, hidden).CopyTo(to.Slice(newId[id] * hidden, hidden));
                    }

                    break;
                case "head.bias":
                    for (int id = 0; id < oldWidth; id++)
                    {
                        to[newId[id]] = from[id];
                    }

                    break;
                default:
                    from.CopyTo(to);
                    break;
            }
        }

        return result;
    }
}
