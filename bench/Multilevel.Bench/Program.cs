// Benchmarks: `dotnet run -c Release --project bench/Multilevel.Bench -- <suite> [options]`.
if (args.Length > 0 && args[0] == "design") Multilevel.Bench.DesignBench.Run(args[1..]);
else if (args.Length > 0 && args[0] == "kernels") Multilevel.Bench.KernelBench.Run(args[1..]);
else if (args.Length > 0 && args[0] == "micro") Multilevel.Bench.MicroKernelBench.Run();
else System.Console.WriteLine("usage: Multilevel.Bench design [n1,n2,...] | kernels [quick] [n1,n2,...] | micro");
