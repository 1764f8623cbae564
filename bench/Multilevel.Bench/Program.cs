// Benchmarks: `dotnet run -c Release --project bench/Multilevel.Bench -- <suite> [options]`.
// One line per suite; keep the list sorted.
var suites = new Dictionary<string, Action<string[]>>
{
    ["design"] = Multilevel.Bench.DesignBench.Run,
    ["fixed-effects"] = Multilevel.Bench.FixedEffectsBench.Run,
    ["glmm"] = Multilevel.Bench.Glmm.GlmmBench.Run,
    ["inference"] = Multilevel.Bench.Inference.InferenceBench.Run,
    ["kernels"] = Multilevel.Bench.KernelBench.Run,
    ["lmm"] = Multilevel.Bench.Lmm.LmmBench.Run,
    ["micro"] = _ => Multilevel.Bench.MicroKernelBench.Run(),
    ["scale"] = Multilevel.Bench.Scale.ScaleBench.Run,
};
if (args.Length > 0 && suites.TryGetValue(args[0], out var run)) run(args[1..]);
else System.Console.WriteLine($"usage: Multilevel.Bench <{string.Join("|", suites.Keys)}> [options]");
