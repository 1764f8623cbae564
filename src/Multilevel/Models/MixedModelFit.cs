using Multilevel.Design;
using Multilevel.Models.Internals;
using Multilevel.Numerics.Optimization;

namespace Multilevel.Models;

/// <summary>
/// What every mixed-model fit has, linear (<see cref="LinearMixedModelFit"/>) or generalized
/// (<see cref="Glmm.GeneralizedLinearMixedModelFit"/>): the model's names and sizes, β̂ with its covariance, θ̂ and
/// the variance components, the conditional modes, the likelihood and information criteria, and the optimiser's
/// record with the convergence diagnostics. Code that reports or compares fits can take this type.
/// </summary>
public abstract class MixedModelFit
{
    private protected MixedModelFit(MixedModelFitCommon common)
    {
        Formula = common.Formula;
        ResponseName = common.ResponseName;
        Observations = common.Observations;
        RowsInData = common.RowsInData;
        FixedEffectNames = common.FixedEffectNames;
        AliasedColumns = common.AliasedColumns;
        FixedEffects = common.FixedEffects;
        Vcov = common.Vcov;
        StandardErrors = [.. Enumerable.Range(0, common.FixedEffects.Length).Select(i => Math.Sqrt(common.Vcov[i, i]))];
        Theta = common.Theta;
        ThetaNames = common.ThetaNames;
        VarCorr = common.VarCorr;
        ConditionalModes = common.ConditionalModes;
        Groups = common.Groups;
        IsSingular = common.IsSingular;
        Warnings = common.Warnings;
        Messages = common.Messages;
        Gradient = common.Gradient;
        Hessian = common.Hessian;
    }

    /// <summary>The design the model was fitted to (for a fit from sums, where no rows are held: an exception).</summary>
    public abstract ModelDesign Design { get; }

    /// <summary>The formula as given.</summary>
    public string Formula { get; }

    /// <summary>The response as written.</summary>
    public string ResponseName { get; }

    /// <summary>The estimation method: "REML" or "ML"; "Laplace", "AGQn" or "PIRLS-fast" for GLMMs.</summary>
    public abstract string Method { get; }

    /// <summary>Observations used (n).</summary>
    public int Observations { get; }

    /// <summary>Rows in the data before dropping missing values.</summary>
    public int RowsInData { get; }

    /// <summary>Rows dropped for missing values.</summary>
    public int RowsDropped => RowsInData - Observations;

    /// <summary>Fixed-effects names (R's model.matrix column names), aliased columns excluded.</summary>
    public IReadOnlyList<string> FixedEffectNames { get; }

    /// <summary>Columns of X dropped as linearly dependent (R reports them as NA coefficients).</summary>
    public IReadOnlyList<string> AliasedColumns { get; }

    /// <summary>β̂.</summary>
    public double[] FixedEffects { get; }

    /// <summary>Standard errors of β̂: √diag(<see cref="Vcov"/>).</summary>
    public double[] StandardErrors { get; }

    /// <summary>Covariance of β̂: σ̂² (R_XᵀR_X)⁻¹ for a linear mixed model; for a GLMM as lme4, from the Hessian of the
    /// deviance in (θ, β) or from R_X (see <see cref="Glmm.GeneralizedLinearMixedModelFit.VcovFromHessian"/>).</summary>
    public double[,] Vcov { get; }

    /// <summary>θ̂: the lower triangles of the relative covariance factors λ, term by term (lme4's order).</summary>
    public double[] Theta { get; }

    /// <summary>lme4's names of the elements of θ (<c>Subject.(Intercept)</c>, <c>Subject.Days.(Intercept)</c>, …).</summary>
    public IReadOnlyList<string> ThetaNames { get; }

    /// <summary>Variance components as lme4's <c>as.data.frame(VarCorr(fit))</c> (a linear model's residual last).</summary>
    public IReadOnlyList<VarianceComponent> VarCorr { get; }

    /// <summary>Log-likelihood (for REML fits the REML log-likelihood, as lme4).</summary>
    public abstract double LogLikelihood { get; }

    /// <summary>Parameters counted by the log-likelihood.</summary>
    public abstract int DegreesOfFreedom { get; }

    /// <summary>Akaike's information criterion −2 logLik + 2 df.</summary>
    public double Aic => -2 * LogLikelihood + 2 * DegreesOfFreedom;

    /// <summary>Bayesian information criterion −2 logLik + df log n.</summary>
    public double Bic => -2 * LogLikelihood + DegreesOfFreedom * Math.Log(Observations);

    /// <summary>Conditional modes (BLUPs) per random-effects term, with conditional variances.</summary>
    public IReadOnlyList<TermConditionalModes> ConditionalModes { get; }

    /// <summary>Grouping factors: levels and group sizes.</summary>
    public IReadOnlyList<GroupingSummary> Groups { get; }

    /// <summary>Fitted values, one per observation used (on the response scale).</summary>
    public abstract double[] Fitted { get; }

    /// <summary>Residuals, one per observation used (response residuals for a linear model, deviance residuals for a GLMM, as R).</summary>
    public abstract double[] Residuals { get; }

    /// <summary>Residuals as the summary scales them (linear: √w (y − fitted)/σ̂; GLMM: Pearson).</summary>
    public abstract double[] ScaledResiduals { get; }

    /// <summary>The optimiser's record: start, end, evaluations, return code.</summary>
    public abstract OptSummary OptSummary { get; }

    /// <summary>True for a boundary fit: some diagonal element of a λ is below the tolerance (lme4's isSingular).</summary>
    public bool IsSingular { get; }

    /// <summary>True when the optimiser met its criterion and no convergence warning was raised (a singular fit can converge).</summary>
    public abstract bool Converged { get; }

    /// <summary>Warnings: singular fit, convergence problems, aliased columns.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Notes from the design step (rows dropped, columns aliased …).</summary>
    public IReadOnlyList<string> Messages { get; }

    /// <summary>Gradient of the objective at the optimum over the parameters not on the boundary (null when the check was skipped).</summary>
    public double[]? Gradient { get; }

    /// <summary>Hessian of the objective at the optimum over the same parameters (null when the check was skipped).</summary>
    public double[,]? Hessian { get; }

    /// <summary>The correlation matrix of β̂.</summary>
    public double[,] FixedEffectsCorrelation
    {
        get
        {
            int p = FixedEffects.Length;
            var c = new double[p, p];
            for (int i = 0; i < p; i++)
            {
                for (int j = 0; j < p; j++) c[i, j] = Vcov[i, j] / (StandardErrors[i] * StandardErrors[j]);
            }
            return c;
        }
    }
}

/// <summary>The parts every mixed-model fit is built with (see <see cref="MixedModelFit"/>).</summary>
internal sealed record MixedModelFitCommon(
    string Formula,
    string ResponseName,
    int Observations,
    int RowsInData,
    IReadOnlyList<string> FixedEffectNames,
    IReadOnlyList<string> AliasedColumns,
    double[] FixedEffects,
    double[,] Vcov,
    double[] Theta,
    IReadOnlyList<string> ThetaNames,
    IReadOnlyList<VarianceComponent> VarCorr,
    IReadOnlyList<TermConditionalModes> ConditionalModes,
    IReadOnlyList<GroupingSummary> Groups,
    bool IsSingular,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Messages,
    double[]? Gradient,
    double[,]? Hessian);
