// libtorch's global RNG and TorchRuntime's seed are process-wide: tests that seed them must not interleave.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
