namespace Multilevel.Tests; public class Smoke { [Xunit.Fact] public void Works() => Xunit.Assert.Equal("0.1.0", Multilevel.Library.Version); }
