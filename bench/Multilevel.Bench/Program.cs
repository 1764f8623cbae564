// Benchmarks: `dotnet run -c Release --project bench/Multilevel.Bench -- <suite> [options]`.
if (args.Length > 0 && args[0] == "design") Multilevel.Bench.DesignBench.Run(args[1..]);
else if (args.Length > 0 && args[0] == "fixed-effects") Multilevel.Bench.FixedEffectsBench.Run(args[1..]);
else System.Console.WriteLine("usage: Multilevel.Bench design [n1,n2,...] | fixed-effects [rows] [l1,l2,l3] [repeats]");
