namespace Multilevel.Models.Glmm;

/// <summary>
/// PIRLS (penalised iteratively reweighted least squares) could not find the conditional modes of a GLMM at some
/// parameter values: it did not converge, or step-halving could not lower the penalised deviance. The message
/// says where and what to try.
/// </summary>
public sealed class PirlsException : ModelSpecificationException
{
    /// <summary>Creates the exception.</summary>
    public PirlsException(string message, ReadOnlySpan<double> theta, ReadOnlySpan<double> fixedEffects)
        : base(message)
    {
        Theta = theta.ToArray();
        FixedEffects = fixedEffects.ToArray();
    }

    /// <summary>θ where PIRLS failed.</summary>
    public IReadOnlyList<double> Theta { get; }

    /// <summary>β where PIRLS failed (the values it had reached when β is solved for too).</summary>
    public IReadOnlyList<double> FixedEffects { get; }
}
