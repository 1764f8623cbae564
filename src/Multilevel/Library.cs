namespace Multilevel;

/// <summary>Facts about the library itself.</summary>
public static class Library
{
    /// <summary>The library's version.</summary>
    public const string Version = "0.1.0";
}
