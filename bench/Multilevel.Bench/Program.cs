// Benchmarks: `dotnet run -c Release --project bench/Multilevel.Bench -- <suite> [options]`.
if (args.Length > 0 && args[0] == "lmm") Multilevel.Bench.Lmm.LmmBench.Run(args[1..]);
else if (args.Length > 0 && args[0] == "inference") Multilevel.Bench.Inference.InferenceBench.Run(args[1..]);
else System.Console.WriteLine("usage: Multilevel.Bench lmm [insteval|sim1m|small|all] [--data DIR] [--export DIR] | inference [--replicates N] [--threads T]");
