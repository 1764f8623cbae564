// Benchmarks: `dotnet run -c Release --project bench/Multilevel.Bench -- <suite> [options]`.
if (args.Length > 0 && args[0] == "lmm") Multilevel.Bench.Lmm.LmmBench.Run(args[1..]);
else if (args.Length > 0 && args[0] == "glmm") Multilevel.Bench.Glmm.GlmmBench.Run(args[1..]);
else if (args.Length > 0 && args[0] == "fixed-effects") Multilevel.Bench.FixedEffectsBench.Run(args[1..]);
else
{
    System.Console.WriteLine("usage: Multilevel.Bench lmm [insteval|sim1m|small|all] [--data DIR] [--export DIR]");
    System.Console.WriteLine("       Multilevel.Bench glmm [--export DIR] [--repeats N] [--nagq N]");
    System.Console.WriteLine("       Multilevel.Bench fixed-effects [rows] [l1,l2,l3] [repeats]");
}
