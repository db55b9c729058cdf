// Compiled copies of the C# samples in docs/visualizing.md: DocSamplesTests checks that each one is identical to the markdown.
using LstmSharp.Diagnostics;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Text;
using LstmSharp.Training;

namespace LstmSharp.Interop.Tests.DocSamples;

internal static class VisualizingSamples
{
    public static void Explain(CharModel<float> model, Vocabulary vocabulary, string text, IForwardObserver<float> myObserver)
    {
        // sample: visualizing-explain
        Explanation explanation = ModelExplainer.Explain(model, vocabulary, vocabulary.Encode(text), units: [(1, 80)]);
        FeatureRanking parentheses = explanation.UnitSearch.Single(ranking => ranking.Feature == TextFeature.InsideParentheses);
        UnitCorrelation best = parentheses.Units[0];
        Console.WriteLine($"unit {best.Layer}:{best.Index} ({best.Signal}): r = {best.Correlation:F3}");

        // Or observe the forward pass yourself: every step's gates, c_t and h_t, once per window.
        model.Layers[0].ForwardObserver = myObserver;
        // end sample
    }

    public static void GradientFlowAndConnectivity(CharModel<float> model, Corpus corpus, int[] ids, int p)
    {
        // sample: visualizing-gradient-flow
        // One window: dL/dh_t (total and carried from t + 1) and dL/dc_t at every step, as norms and values.
        var recorder = new GradientFlowRecorder<float>(model);
        GradientFlowSnapshot snapshot = recorder.Record(GradientFlowProbe.FromText(ids, sequenceLength: 25));
        StateGradientSeries dc = snapshot.Layers[0].Cell!;                // an LSTM's dL/dc_t
        IReadOnlyList<double> norms = dc.Norms;                           // ‖dL/dc_t‖ for t = 0 … T − 1
        ReadOnlySpan<double> atLoss = dc.StepValues(dc.Norms.Count - 1);   // the last step (B, H): bin as you like

        // During training: snapshots at chosen epochs; a null check per window when unused, and bit-identical training.
        var trainer = new Trainer(model, TrainingOptions.Article);        // or any options
        GradientFlowSchedule schedule = new GradientFlowSchedule([0, 10, 20, 30, 40, 50], GradientFlowProbe.FromText(corpus.Ids, 25)).AttachTo(trainer);
        trainer.Train(corpus);
        IReadOnlyList<GradientFlowSnapshot> snapshots = schedule.Snapshots;   // one per recorded epoch, with Epoch and Step

        // Connectivity of the prediction after the 40 characters ending at position p, and how far back it reaches.
        ConnectivityMap map = Connectivity.Compute(model, ids, position: p, length: 40);
        int reach = map.Reach(0.1), farthest = map.FarthestReach(0.1);
        // end sample
    }
}
