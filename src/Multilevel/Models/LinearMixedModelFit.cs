using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Models.Internals;
using Multilevel.Numerics.Optimization;

namespace Multilevel.Models;

/// <summary>
/// A fitted linear mixed model (lme4's <c>merMod</c> from <c>lmer</c>): estimates, their covariance, variance
/// components, conditional modes, fit statistics, the optimiser's record and honest diagnostics. Immutable.
/// </summary>
public sealed class LinearMixedModelFit : MixedModelFit
{
    private Frame? _training;
    private DesignOptions _designOptions = DesignOptions.Default;

    internal LinearMixedModelFit(ModelDesign design, LinearMixedModelFitParts parts)
        : this(parts, design.FormulaText, design.Response.Name, design.Observations, design.RowsInData, design.X.ColumnNames, design.X.AliasedColumns)
    {
        _design = design;
    }

    /// <summary>A fit from sums (<see cref="GramDesign"/> without rows): fitted values and residuals are not available.</summary>
    internal LinearMixedModelFit(GramDesign gram, LinearMixedModelFitParts parts)
        : this(parts, gram.FormulaText, gram.Info.ResponseName, checked((int)gram.Observations), checked((int)gram.RowsInData),
               gram.Info.FixedEffectNames, gram.Info.AliasedColumns)
    {
        _design = gram.Design;
        _weightedSums = gram.Info.HasWeights;
        SumsTerms = [.. gram.Info.RandomEffects.Select(t => new ReTerm(t.GroupName, t.Levels, [], t.ColumnNames, []))];
        SumsGram = gram.Gram;
        _moments = new(() => SumsMoments.From(gram.Gram, SumsTerms, gram.Info.FixedEffectNames, gram.Info.HasWeights));
        DataSource = gram.Info.Source;
        SourceStatistics = gram.Info.Statistics;
    }

    private LinearMixedModelFit(LinearMixedModelFitParts parts, string formula, string responseName, int observations, int rowsInData,
        IReadOnlyList<string> fixedEffectNames, IReadOnlyList<string> aliasedColumns)
        : base(new MixedModelFitCommon(formula, responseName, observations, rowsInData, fixedEffectNames, aliasedColumns,
            parts.FixedEffects, parts.Vcov, parts.Theta, parts.ThetaNames, parts.VarCorr, parts.ConditionalModes, parts.Groups,
            parts.IsSingular, parts.Warnings, parts.Messages, parts.Gradient, parts.Hessian))
    {
        Criterion = parts.Criterion;
        Sigma = parts.Sigma;
        Objective = parts.Objective;
        _fitted = parts.Fitted;
        _residuals = parts.Residuals;
        OptSummary = parts.OptSummary;
        PenalizedResidualSumOfSquares = parts.PenalizedResidualSumOfSquares;
    }

    private readonly ModelDesign? _design;
    private readonly bool _weightedSums;

    private readonly Lazy<SumsMoments?>? _moments;

    /// <summary>For a fit from unweighted sums: the moments the variance decomposition needs, read from
    /// <see cref="SumsGram"/> when first asked for (null otherwise).</summary>
    internal SumsMoments? Moments => _moments?.Value;

    /// <summary>For a fit from sums: the Gram matrix it was fitted from (the deviance function of θ, for
    /// Satterthwaite's degrees of freedom and profiles without the rows); null for a fit from rows.</summary>
    internal GramMatrix? SumsGram { get; }

    /// <summary>For a fit from sums: the random-effects terms by their names and level counts only.</summary>
    internal IReadOnlyList<ReTerm> SumsTerms { get; } = [];
    private readonly double[] _fitted;
    private readonly double[] _residuals;

    /// <summary>The design the model was fitted to (rows used, X, random-effects terms). Only for fits whose rows are in
    /// memory (<see cref="RowValuesAvailable"/>); a fit from sums throws <see cref="RowValuesUnavailableException"/>.</summary>
    public override ModelDesign Design => _design ?? throw new RowValuesUnavailableException("the design matrices", DataSource);

    /// <summary>True when the rows are in memory, so that <see cref="Fitted"/>, <see cref="Residuals"/> and
    /// <see cref="ScaledResiduals"/> can be computed; false for a fit from sums streamed from a file or computed in a database.</summary>
    public bool RowValuesAvailable => _design is not null;

    /// <summary>True when the model has prior weights.</summary>
    public bool HasPriorWeights => _design is not null ? _design.Weights is not null : _weightedSums;

    /// <summary>Where the data came from: <c>memory</c>, a streamed file, or a database URL (without its password).</summary>
    public string DataSource { get; } = "memory";

    /// <summary>For a fit from sums: how they were obtained (queries, bytes received, passes); null for a fit in memory.</summary>
    public GramSourceStatistics? SourceStatistics { get; }

    internal LinearMixedModelFit WithTrainingData(Frame data, DesignOptions options)
    {
        _training = data;
        _designOptions = options;
        return this;
    }

    /// <summary>
    /// Predictions for new rows (lme4's <c>predict(fit, newdata, re.form, allow.new.levels)</c>): Xβ̂ (+ offset),
    /// plus each term's conditional mode for the row's level when <paramref name="includeRandomEffects"/>. Factors
    /// keep the fitted data's levels and contrasts; the response column is not needed. Rows with a missing
    /// predictor get NaN. Available for fits made from a formula and a data frame.
    /// </summary>
    /// <param name="newData">The rows to predict.</param>
    /// <param name="includeRandomEffects">Conditional (true, lme4's default) or population (false) predictions.</param>
    /// <param name="newLevels">For an unseen level of a grouping factor: the population prediction for that term, or an error.</param>
    public double[] Predict(Frame newData, bool includeRandomEffects = true, NewLevels newLevels = NewLevels.Population)
    {
        ArgumentNullException.ThrowIfNull(newData);
        if (_training is null)
        {
            throw new InvalidOperationException("this fit was made from a design, not from a formula and data: fit with LinearMixedModel.Fit(formula, data) to predict on new data");
        }
        return LmmPrediction.Predict(this, _training, newData, includeRandomEffects, newLevels, _designOptions);
    }

    /// <summary>REML or ML.</summary>
    public LmmCriterion Criterion { get; }

    /// <summary>"REML" or "ML".</summary>
    public override string Method => Criterion == LmmCriterion.Reml ? "REML" : "ML";

    /// <summary>σ̂, the residual standard deviation (ML: √(r²/n); REML: √(r²/(n − p))).</summary>
    public double Sigma { get; }

    /// <summary>The minimised criterion: the REML criterion or the ML deviance.</summary>
    public double Objective { get; }

    /// <summary>Log-likelihood (for REML fits the REML log-likelihood −REMLcrit/2, as lme4).</summary>
    public override double LogLikelihood => -Objective / 2;

    /// <summary>Parameters counted by the log-likelihood: p + #θ + 1.</summary>
    public override int DegreesOfFreedom => FixedEffects.Length + Theta.Length + 1;

    /// <summary>−2 logLik: the ML deviance, or for REML fits the REML criterion (as the references' <c>deviance</c>).</summary>
    public double Deviance => Objective;

    /// <summary>The REML criterion (null for ML fits).</summary>
    public double? RemlCriterion => Criterion == LmmCriterion.Reml ? Objective : null;

    /// <summary>The penalised weighted residual sum of squares r² at θ̂.</summary>
    public double PenalizedResidualSumOfSquares { get; }

    /// <summary>Fitted values Xβ̂ + Zb̃ (+ offset), one per observation used (only when <see cref="RowValuesAvailable"/>).</summary>
    public override double[] Fitted => _design is not null ? _fitted : throw new RowValuesUnavailableException("fitted values", DataSource);

    /// <summary>Response residuals y − fitted (only when <see cref="RowValuesAvailable"/>).</summary>
    public override double[] Residuals => _design is not null ? _residuals : throw new RowValuesUnavailableException("residuals", DataSource);

    /// <summary>The optimiser's record: start, end, evaluations, return code.</summary>
    public override OptSummary OptSummary { get; }

    /// <summary>True when the optimiser met its criterion and no convergence warning was raised (a singular fit can converge).</summary>
    public override bool Converged => OptSummary.ReturnCode is OptimizerReturnCode.Converged or OptimizerReturnCode.RoundingLimited
        && !Warnings.Any(w => w.StartsWith("Model failed", StringComparison.Ordinal) || w.StartsWith("unable", StringComparison.Ordinal) || w.StartsWith("Hessian", StringComparison.Ordinal) || w.StartsWith("gradient", StringComparison.Ordinal));

    /// <summary>Residuals scaled as lme4's summary: √w (y − fitted) / σ̂.</summary>
    public override double[] ScaledResiduals
    {
        get
        {
            if (_design is null) throw new RowValuesUnavailableException("scaled residuals", DataSource);
            var w = Design.Weights;
            var r = new double[Residuals.Length];
            for (int i = 0; i < r.Length; i++) r[i] = Residuals[i] * (w is null ? 1 : Math.Sqrt(w[i])) / Sigma;
            return r;
        }
    }
}

/// <summary>The computed pieces of a fit, assembled by <see cref="LinearMixedModel.CreateFit"/>.</summary>
internal sealed record LinearMixedModelFitParts(
    LmmCriterion Criterion,
    double[] FixedEffects,
    double[,] Vcov,
    double[] Theta,
    IReadOnlyList<string> ThetaNames,
    double Sigma,
    IReadOnlyList<VarianceComponent> VarCorr,
    double Objective,
    IReadOnlyList<TermConditionalModes> ConditionalModes,
    IReadOnlyList<GroupingSummary> Groups,
    double[] Fitted,
    double[] Residuals,
    OptSummary OptSummary,
    bool IsSingular,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Messages,
    double[]? Gradient,
    double[,]? Hessian,
    double PenalizedResidualSumOfSquares);
