using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Inference;
using Multilevel.Models.Glm;
using Multilevel.Models.Internals;
using Multilevel.Numerics.Optimization;

namespace Multilevel.Models.Glmm;

/// <summary>
/// A fitted generalized linear mixed model (lme4's <c>glmerMod</c>): estimates, their covariance, variance
/// components, conditional modes, fit statistics on one log-likelihood scale for every nAGQ (constants such as
/// binomial coefficients included), the optimiser's record and honest diagnostics. Immutable.
/// </summary>
public sealed class GeneralizedLinearMixedModelFit : MixedModelFit
{
    internal GeneralizedLinearMixedModelFit(GlmmFitParts parts)
        : base(new MixedModelFitCommon(parts.Design.FormulaText, parts.Design.Response.Name, parts.Design.Observations, parts.Design.RowsInData,
            parts.Design.X.ColumnNames, parts.Design.X.AliasedColumns, parts.FixedEffects, parts.Vcov, parts.Theta, parts.ThetaNames, parts.VarCorr,
            parts.ConditionalModes, parts.Groups, parts.IsSingular, parts.Warnings, parts.Messages, parts.Gradient, parts.Hessian))
    {
        Design = parts.Design;
        Family = parts.Family;
        Link = parts.Link;
        Nagq = parts.Optimization.Nagq;
        VcovFromHessian = parts.VcovFromHessian;
        Deviance = parts.Deviance;
        LogLikelihoodConstant = parts.Constant;
        ConditionalDeviance = parts.ConditionalDeviance;
        LinearPredictor = parts.LinearPredictor;
        Fitted = parts.Fitted;
        Optimization = parts.Optimization;
        PirlsIterations = parts.PirlsIterations;
        Evaluations = parts.Evaluations;
        _y = parts.Response;
        _weights = parts.DevianceWeights;
    }

    private readonly double[] _y;
    private readonly double[] _weights;
    private Frame? _training;
    private DesignOptions? _designOptions;

    /// <summary>The design the model was fitted to.</summary>
    public override ModelDesign Design { get; }

    /// <summary>The family (binomial, Poisson).</summary>
    public GlmFamily Family { get; }

    /// <summary>The link (logit, probit, cloglog, log).</summary>
    public GlmLink Link { get; }

    /// <summary>lme4's nAGQ: 0 (fast), 1 (Laplace) or the number of quadrature nodes.</summary>
    public int Nagq { get; }

    /// <summary>As the references name it: <c>Laplace</c>, <c>AGQn</c> (n nodes) or <c>PIRLS-fast</c> (nAGQ = 0).</summary>
    public override string Method => Nagq switch
    {
        0 => "PIRLS-fast",
        1 => "Laplace",
        _ => $"AGQ{Nagq}",
    };

    /// <summary>True when <see cref="MixedModelFit.Vcov"/> is, as lme4's, 2 [H⁻¹]_ββ with H the finite-difference Hessian
    /// of the deviance in (θ, β); false when it is (R_XᵀR_X)⁻¹ from the PIRLS factor (nAGQ = 0, a Hessian that is not
    /// positive definite, or when asked).</summary>
    public bool VcovFromHessian { get; }

    /// <summary>z = β̂ / SE.</summary>
    public double[] ZValues => [.. FixedEffects.Select((b, i) => b / StandardErrors[i])];

    /// <summary>Two-sided p-values Pr(&gt;|z|) from the standard normal, as lme4's summary.</summary>
    public double[] PValues => [.. ZValues.Select(Probability.NormalTwoSided)];

    /// <summary>
    /// −2 log-likelihood at the estimates (the Laplace approximation for nAGQ ≤ 1, adaptive quadrature for nAGQ
    /// &gt; 1), with every constant of the distribution included: the same scale for every nAGQ (lme4 drops the
    /// binomial-coefficient constant for nAGQ &gt; 1; we do not).
    /// </summary>
    public double Deviance { get; }

    /// <summary>The log-likelihood −<see cref="Deviance"/>/2.</summary>
    public override double LogLikelihood => -Deviance / 2;

    /// <summary>The part of −2 log-likelihood that does not depend on the parameters (binomial coefficients, log y!), included in <see cref="Deviance"/>.</summary>
    public double LogLikelihoodConstant { get; }

    /// <summary>Parameters counted by the log-likelihood: p + #θ.</summary>
    public override int DegreesOfFreedom => FixedEffects.Length + Theta.Length;

    /// <summary>Residual degrees of freedom n − df (lme4's df.resid).</summary>
    public int ResidualDegreesOfFreedom => Observations - DegreesOfFreedom;

    /// <summary>lme4's <c>deviance()</c> of a GLMM: the sum of the squared deviance residuals at the conditional modes.</summary>
    public double ConditionalDeviance { get; }

    /// <summary>The linear predictor η = offset + Xβ̂ + Zb̃ per observation.</summary>
    public double[] LinearPredictor { get; }

    /// <summary>Fitted means μ = g⁻¹(η) (probabilities for binomial, rates for Poisson).</summary>
    public override double[] Fitted { get; }

    /// <summary>Deviance residuals sign(y − μ) √devᵢ (lme4's default <c>residuals()</c>).</summary>
    public override double[] Residuals
    {
        get
        {
            var r = new double[Fitted.Length];
            for (int i = 0; i < r.Length; i++)
            {
                double d = _weights[i] > 0 ? Family.DevianceResidual(_y[i], Fitted[i], _weights[i]) : 0;
                r[i] = Math.Sign(_y[i] - Fitted[i]) * Math.Sqrt(Math.Max(d, 0));
            }
            return r;
        }
    }

    /// <summary>Pearson residuals (y − μ) √w / √V(μ).</summary>
    public double[] PearsonResiduals
    {
        get
        {
            var r = new double[Fitted.Length];
            for (int i = 0; i < r.Length; i++)
            {
                r[i] = (_y[i] - Fitted[i]) * Math.Sqrt(_weights[i]) / Math.Sqrt(Family.Variance(Fitted[i]));
            }
            return r;
        }
    }

    /// <summary>Response residuals y − μ (y a proportion for binomial counts).</summary>
    public double[] ResponseResiduals => [.. _y.Select((y, i) => y - Fitted[i])];

    /// <summary>lme4's summary's "scaled residuals": the Pearson residuals (the scale is 1 for these families).</summary>
    public override double[] ScaledResiduals => PearsonResiduals;

    /// <summary>The record of both optimisation stages.</summary>
    public GlmmOptimization Optimization { get; }

    /// <summary>The summary of the stage that gave the estimates (parameters (θ, β), or θ for nAGQ = 0).</summary>
    public override OptSummary OptSummary => Optimization.Final;

    /// <summary>Deviance evaluations over the whole fit (both stages, the Hessian, the final evaluation).</summary>
    public int Evaluations { get; }

    /// <summary>PIRLS iterations over the whole fit.</summary>
    public int PirlsIterations { get; }

    /// <summary>True when both stages met their criterion and no convergence warning was raised.</summary>
    public override bool Converged => Optimization.FirstStage.ReturnCode is OptimizerReturnCode.Converged or OptimizerReturnCode.RoundingLimited
        && (Optimization.SecondStage is null || Optimization.SecondStage.ReturnCode is OptimizerReturnCode.Converged or OptimizerReturnCode.RoundingLimited)
        && !Warnings.Any(w => w.StartsWith("Model failed", StringComparison.Ordinal) || w.StartsWith("unable", StringComparison.Ordinal)
            || w.StartsWith("Hessian", StringComparison.Ordinal) || w.StartsWith("the gradient", StringComparison.Ordinal) || w.StartsWith("the optimiser", StringComparison.Ordinal));

    /// <summary>Predictions for the observations fitted, conditional on the modes (R's <c>predict(fit, type)</c>).</summary>
    public double[] Predict(PredictionScale scale = PredictionScale.Link) =>
        scale == PredictionScale.Link ? (double[])LinearPredictor.Clone() : (double[])Fitted.Clone();

    /// <summary>
    /// Predictions for new rows (lme4's <c>predict(fit, newdata, type, re.form, allow.new.levels)</c>): on the link
    /// scale η = offset + Xβ̂ (+ each term's conditional mode for the row's level when
    /// <paramref name="includeRandomEffects"/>), or on the response scale μ = g⁻¹(η). Factors keep the fitted data's
    /// levels and contrasts; the response columns are not needed. Rows with a missing predictor get NaN. Available
    /// for fits made from a formula and a data frame.
    /// </summary>
    /// <param name="newData">The rows to predict.</param>
    /// <param name="scale">Link (η, the default as R) or response (μ).</param>
    /// <param name="includeRandomEffects">Conditional (true, lme4's default) or population (false) predictions.</param>
    /// <param name="newLevels">For an unseen level of a grouping factor: the population prediction for that term, or an error.</param>
    public double[] Predict(Frame newData, PredictionScale scale = PredictionScale.Link, bool includeRandomEffects = true, NewLevels newLevels = NewLevels.Population)
    {
        ArgumentNullException.ThrowIfNull(newData);
        if (_training is null || _designOptions is null)
        {
            throw new InvalidOperationException("this fit was made from a design, not from a formula and data: fit with GeneralizedLinearMixedModel.Fit(formula, data, family) to predict on new data");
        }
        var eta = LmmPrediction.Predict(this, _training, newData, includeRandomEffects, newLevels, _designOptions);
        if (scale == PredictionScale.Response)
        {
            for (int i = 0; i < eta.Length; i++) eta[i] = double.IsNaN(eta[i]) ? double.NaN : Link.LinkInverse(eta[i]);
        }
        return eta;
    }

    internal GeneralizedLinearMixedModelFit WithTrainingData(Frame data, DesignOptions options)
    {
        _training = data;
        _designOptions = options;
        return this;
    }
}

/// <summary>The computed pieces of a fit, assembled by <see cref="GeneralizedLinearMixedModel.CreateFit"/>.</summary>
internal sealed record GlmmFitParts(
    ModelDesign Design,
    GlmFamily Family,
    GlmLink Link,
    GlmmOptimization Optimization,
    double[] FixedEffects,
    double[,] Vcov,
    bool VcovFromHessian,
    double[] Theta,
    IReadOnlyList<string> ThetaNames,
    IReadOnlyList<VarianceComponent> VarCorr,
    double Deviance,
    double Constant,
    double ConditionalDeviance,
    IReadOnlyList<TermConditionalModes> ConditionalModes,
    IReadOnlyList<GroupingSummary> Groups,
    double[] LinearPredictor,
    double[] Fitted,
    double[] Response,
    double[] DevianceWeights,
    int PirlsIterations,
    int Evaluations,
    bool IsSingular,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Messages,
    double[]? Gradient,
    double[,]? Hessian);
