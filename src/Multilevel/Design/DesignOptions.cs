namespace Multilevel.Design;

/// <summary>What kind of response the model needs, which decides how a categorical or <c>cbind()</c>
/// response is read.</summary>
public enum ResponseKind
{
    /// <summary>Accept any response: a number, a two-level factor (as 0/1) or <c>cbind(s, f)</c>.</summary>
    Auto,

    /// <summary>A number per row (Gaussian, Poisson, Gamma ...): a categorical response or <c>cbind</c> is an error.</summary>
    Numeric,

    /// <summary>Binomial: 0/1 numbers, a two-level factor (1 = not the first level) or <c>cbind(successes, failures)</c>.</summary>
    Binomial,
}

/// <summary>Contrasts for a factor coded with k − 1 columns.</summary>
public enum ContrastKind
{
    /// <summary>R's <c>contr.treatment</c>: each level against the reference (first) level.</summary>
    Treatment,

    /// <summary>R's <c>contr.sum</c>: each level but the last against the mean; the last is minus their sum.</summary>
    Sum,
}

/// <summary>Options of the design step. Defaults reproduce R's <c>lm</c>/<c>lmer</c>.</summary>
public sealed record DesignOptions
{
    /// <summary>The defaults.</summary>
    public static DesignOptions Default { get; } = new();

    /// <summary>What kind of response the model needs. Default <see cref="ResponseKind.Auto"/>.</summary>
    public ResponseKind Response { get; init; } = ResponseKind.Auto;

    /// <summary>A numeric column of prior weights (R's <c>weights =</c>), or null. Rows where it is missing are dropped.</summary>
    public string? Weights { get; init; }

    /// <summary>A numeric column used as an offset in addition to <c>offset()</c> terms (R's <c>offset =</c>), or null.</summary>
    public string? Offset { get; init; }

    /// <summary>Contrasts of factors not wrapped in <c>C()</c>. Default treatment (R's default for unordered factors).</summary>
    public ContrastKind Contrasts { get; init; } = ContrastKind.Treatment;

    /// <summary>Relative tolerance of the rank check (R's <c>qr(X, tol)</c>): 1e-7 as <c>lm</c> and lme4;
    /// <c>glm</c> uses min(1e-7, epsilon/1000) = 1e-11.</summary>
    public double RankTolerance { get; init; } = 1e-7;

    /// <summary>Drop aliased columns of X (true, as R and lme4), or keep X as built (false).</summary>
    public bool DropAliasedColumns { get; init; } = true;

    /// <summary>Drop factor levels that no used row has (true, as <c>lm</c>/<c>lmer</c>'s
    /// <c>drop.unused.levels = TRUE</c>); each dropped level is reported in the messages. With false, an
    /// empty level gives a zero column, which the rank check drops as aliased.</summary>
    public bool DropUnusedLevels { get; init; } = true;
}
