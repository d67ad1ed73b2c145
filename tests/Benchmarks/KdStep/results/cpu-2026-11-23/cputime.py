import resource, subprocess, sys, os
env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
for v in sys.argv[1].split(","):
    for n in (20, 220):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(["dotnet", f"/tmp/kdstep-{v}/KdStep.dll", "--pairs", "resnet8:resnet8", "--modes", "step", "--batches", "8",
                        "--dtypes", "fp32", "--reuse", "off", "--warmup", "1", "--repeats", "1", "--steps", str(n),
                        "--out", f"/tmp/bench/cputime-{v}-{n}.json"], env=env, check=True, stdout=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        print(f"{v} steps={n}: {cpu:.2f} CPU-s", flush=True)
