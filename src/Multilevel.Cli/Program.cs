using System.CommandLine;
using Multilevel.Cli;

return await CliApp.RunAsync(args);
