using Xunit;

namespace Multilevel.Tests.Data;

/// <summary>Tests that redirect the console or change the working directory: they run alone, not in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial: console and working directory";
}
