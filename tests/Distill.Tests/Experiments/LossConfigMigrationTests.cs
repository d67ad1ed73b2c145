using System.Text.Json.Nodes;
using Distill.Experiments;
using Distill.Losses;
using Distill.Models;
using Distill.Training;

namespace Distill.Tests.Experiments;

/// <summary>Old numbers-only loss parameters become typed ones; result folders follow their new hashes; twice is once.</summary>
public class LossConfigMigrationTests
{
    static LossSpec Old(string name, params (string Key, double Value)[] parameters) =>
        new(name, 1, new JsonObject(parameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))));

    static string Upgraded(LossSpec spec) => LossConfigMigration.Upgrade(spec).Parameters.ToJsonString();

    [Fact]
    public void EachOldParameterFormBecomesItsTypedForm()
    {
        Assert.Equal("""{"mixture":"mean","temperature":4}""", Upgraded(Old("offline_ensemble", ("mean", 1), ("temperature", 4))));
        Assert.Equal("""{"temperature":4}""", Upgraded(Old("offline_ensemble", ("mean", 0), ("temperature", 4))));
        Assert.Equal("""{"temperature":2,"weights":[2,1,1]}""", Upgraded(Old("multi_teacher", ("weight_1", 1), ("weight_0", 2), ("weight_2", 1), ("temperature", 2))));
        Assert.Equal("""{"stem":false}""", Upgraded(Old("fsp")));
        Assert.Equal("""{"max_pooling":true,"pairs":"non_adjacent","stem":false}""",
            Upgraded(Old("cross_layer", ("min_gap", 2), ("max_pooling", 1), ("mean_over_pairs", 0))));
        Assert.Equal("""{"stem":false}""", Upgraded(Old("cross_layer", ("min_gap", 1))));
        Assert.Equal("""{"temperature":4}""", Upgraded(Old("kd", ("temperature", 4))));
        // typed already: unchanged
        var typed = LossSpec.Of("cross_layer", 1, new Fsp.Parameters { Stem = true, Pairs = GramPairs.Of(PairRule.NonAdjacent) });
        Assert.Equal(typed, LossConfigMigration.Upgrade(typed));
        Assert.Contains("min_gap 3", Assert.Throws<InvalidDataException>(() => LossConfigMigration.Upgrade(Old("cross_layer", ("min_gap", 3)))).Message);
        Assert.Contains("not 0 or 1", Assert.Throws<InvalidDataException>(() => LossConfigMigration.Upgrade(Old("offline_ensemble", ("mean", 2)))).Message);
    }

    [Fact]
    public void AStoreIsRewrittenAndRenamedToTheNewHashesOnce()
    {
        var root = Directory.CreateTempSubdirectory("migrate-").FullName;
        try
        {
            Experiment Run(string name, params LossSpec[] losses) => new()
            {
                Name = name, DataSet = "fashion-mnist", Student = new ModelSpec("resnet8", 10, 1, 28), Losses = losses, Epochs = 1,
                Teachers = [new TeacherSpec("t")],
            };
            var oldEnsemble = Run("ens", new LossSpec("ce"), Old("offline_ensemble", ("mean", 1), ("temperature", 4)));
            var unchanged = Run("kd", new LossSpec("ce"), Old("kd", ("temperature", 4)));
            foreach (var e in new[] { oldEnsemble, unchanged })
            {
                var folder = Directory.CreateDirectory(Path.Combine(root, $"{e.Name}-{e.Hash}")).FullName;
                File.WriteAllText(Path.Combine(folder, ResultStore.ConfigFile), e.ToJson());
                File.WriteAllText(Path.Combine(folder, ResultStore.SummaryFile), $$"""{"name": "{{e.Name}}", "hash": "{{e.Hash}}", "losses": ["old"], "testTop1": 0.5}""");
            }
            var renamed = LossConfigMigration.MigrateStore(root);

            var expected = Run("ens", new LossSpec("ce"), LossSpec.Of("offline_ensemble", 1, new HintonKd.Parameters { Temperature = 4, Mixture = TeacherMixture.Mean }));
            Assert.Equal([($"ens-{oldEnsemble.Hash}", $"ens-{expected.Hash}")], renamed);
            var folderNow = Path.Combine(root, $"ens-{expected.Hash}");
            Assert.Equal(expected.ToJson(), Experiment.Load(Path.Combine(folderNow, ResultStore.ConfigFile)).ToJson());
            var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(folderNow, ResultStore.SummaryFile)))!;
            Assert.Equal(expected.Hash, (string)summary["hash"]!);
            Assert.Equal(["1*ce", "1*offline_ensemble(mixture=mean, temperature=4)"], summary["losses"]!.AsArray().Select(n => (string)n!));
            Assert.Equal(0.5, (double)summary["testTop1"]!);
            Assert.True(Directory.Exists(Path.Combine(root, $"kd-{unchanged.Hash}")));   // temperature-only configs keep their hash
            Assert.Empty(LossConfigMigration.MigrateStore(root));
        }
        finally { Directory.Delete(root, recursive: true); }
    }
}
