namespace Multilevel.Numerics.Internals;

/// <summary>Argument checks of the public kernels (the kernels use pointers: every bound is checked here, once).</summary>
internal static class KernelGuard
{
    /// <summary>Checks that a dimension is not negative.</summary>
    public static void Dimension(int value, string name)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(name, value, $"Matrix dimension {name} = {value} must be zero or positive.");
    }

    /// <summary>
    /// Checks a column-major rows × cols matrix stored in a span of <paramref name="length"/> with leading
    /// dimension <paramref name="ld"/>: ld ≥ rows and length ≥ (cols − 1)·ld + rows (nothing is required of an empty matrix).
    /// </summary>
    public static void Matrix(string name, int length, int rows, int cols, int ld)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < rows)
            throw new ArgumentOutOfRangeException(name, ld, $"Leading dimension of {name} is {ld}; it must be at least the number of rows, {rows}.");
        long need = (long)(cols - 1) * ld + rows;
        if (length < need)
            throw new ArgumentException($"{name} holds {length} values; a {rows} × {cols} matrix with leading dimension {ld} needs at least {need}.", name);
    }

    /// <summary>Checks a vector of at least <paramref name="n"/> values.</summary>
    public static void Vector(string name, int length, int n)
    {
        if (length < n) throw new ArgumentException($"{name} holds {length} values; at least {n} are needed.", name);
    }

    /// <summary>Checks the degree of parallelism of <see cref="KernelOptions"/>.</summary>
    public static void Options(in KernelOptions options)
    {
        if (options.MaxDegreeOfParallelism < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxDegreeOfParallelism,
                $"KernelOptions.MaxDegreeOfParallelism is {options.MaxDegreeOfParallelism}; use 0 (automatic) or a positive number of threads.");
        if (options.ParallelThreshold < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.ParallelThreshold,
                $"KernelOptions.ParallelThreshold is {options.ParallelThreshold}; use 0 (automatic) or a positive number of multiply–adds.");
    }
}
