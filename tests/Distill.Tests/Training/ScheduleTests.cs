using Distill.Training;

namespace Distill.Tests.Training;

public class ScheduleTests
{
    const int Steps = 10;

    [Fact]
    public void LinearWarmupRisesPerStepToTheBaseRate()
    {
        var s = ScheduleSpec.MultiStep([3], warmupEpochs: 1);
        Assert.Equal(0.01, s.At(0.1, 0, 0, Steps, 5), 12);     // 1/10 of the base after the first step
        Assert.Equal(0.05, s.At(0.1, 0, 4, Steps, 5), 12);
        Assert.Equal(0.1, s.At(0.1, 0, 9, Steps, 5), 12);
        Assert.Equal(0.1, s.At(0.1, 1, 0, Steps, 5), 12);
    }

    [Fact]
    public void StepAndMultiStepDecayAtTheirEpochs()
    {
        var step = ScheduleSpec.Step(2, gamma: 0.5);
        Assert.Equal([1.0, 1.0, 0.5, 0.5, 0.25], Enumerable.Range(0, 5).Select(e => step.At(1.0, e, 3, Steps, 5)));
        var multi = ScheduleSpec.MultiStep([150, 225]);
        Assert.Equal(0.1, multi.At(0.1, 149, 9, Steps, 300), 12);
        Assert.Equal(0.01, multi.At(0.1, 150, 0, Steps, 300), 12);
        Assert.Equal(0.001, multi.At(0.1, 299, 0, Steps, 300), 12);
    }

    [Fact]
    public void CosineFallsFromBaseToMinimumAfterWarmup()
    {
        var s = ScheduleSpec.Cosine(minLearningRate: 0.001, warmupEpochs: 2);
        Assert.Equal(0.1, s.At(0.1, 2, 0, Steps, 12), 12);                 // cosine starts at the base
        Assert.Equal((0.1 + 0.001) / 2, s.At(0.1, 7, 0, Steps, 12), 12);    // halfway through the 10 cosine epochs
        Assert.Equal(0.001 + 0.5 * 0.099 * (1 + Math.Cos(Math.PI * 0.25)), s.At(0.1, 4, 5, Steps, 12), 12);
        Assert.True(s.At(0.1, 11, 9, Steps, 12) < 0.0015);
    }

    [Fact]
    public void UnknownKindIsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => new ScheduleSpec("poly").At(0.1, 0, 0, Steps, 1));
        Assert.Contains("poly", e.Message);
    }
}
