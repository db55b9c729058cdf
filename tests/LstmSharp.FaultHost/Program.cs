using System.Globalization;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Serialization;
using LstmSharp.Text;

// Saves checkpoints of a large model to one path, forever, printing "saved N" after each: the fault tests kill it
// at random moments and check that the path always holds a whole checkpoint.
string path = args[0];
int hiddenSize = int.Parse(args[1], CultureInfo.InvariantCulture);
Vocabulary vocabulary = Vocabulary.FromText("abcdefghijklmnopqrstuvwxyz .,\n");
var model = new CharModel<float>(CellType.Lstm, vocabulary.Count, hiddenSize, 2);
for (ulong round = 0; ; round++)
{
    model.Initialize(Initialization.PyTorchUniform, round);
    Checkpoint.Save(path, model, vocabulary);
    Console.WriteLine($"saved {round}");
}
