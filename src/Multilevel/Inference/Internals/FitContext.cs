using Multilevel.Design;
using Multilevel.Models;
using Multilevel.Models.Internals;

namespace Multilevel.Inference.Internals;

/// <summary>
/// What inference re-uses from a fit: its design, the Gram matrix of [Z X y] (built once, in one pass over the
/// rows) and fresh deviance functions on it — one per thread, for either criterion.
/// </summary>
internal sealed class FitContext
{
    private FitContext(LinearMixedModelFit fit, GramMatrix gram, IReadOnlyList<ReTerm> terms)
    {
        Fit = fit;
        Gram = gram;
        Parameters = new VarianceParameters(terms);
    }

    public LinearMixedModelFit Fit { get; }

    public GramMatrix Gram { get; }

    public VarianceParameters Parameters { get; }

    public static FitContext Create(LinearMixedModelFit fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        // a fit from sums kept the Gram matrix it was fitted from: everything here is a function of it
        if (fit.SumsGram is { } gram) return new FitContext(fit, gram, fit.SumsTerms);
        return new FitContext(fit, DesignGram.Build(fit.Design), fit.Design.RandomEffects);
    }

    /// <summary>A new deviance function (own factor) of the criterion on the shared Gram matrix.</summary>
    public ProfiledDeviance NewDeviance(LmmCriterion criterion) => ProfiledDeviance.Create(Gram, criterion);

    /// <summary>A new evaluator of the criterion on the shared Gram matrix.</summary>
    public LmmEvaluator NewEvaluator(LmmCriterion criterion) => new(NewDeviance(criterion));

    /// <summary>
    /// θ̂ and σ̂ under ML: the fit's own when it is an ML fit, else the ML optimum reached from the REML θ̂ (lme4's
    /// <c>refitML</c>), with the ML deviance there.
    /// </summary>
    public (double[] Theta, double Sigma, double Deviance) MaximumLikelihoodOptimum(CancellationToken cancellationToken)
    {
        var deviance = NewDeviance(LmmCriterion.MaximumLikelihood);
        double[] theta;
        if (Fit.Criterion == LmmCriterion.MaximumLikelihood)
        {
            theta = (double[])Fit.Theta.Clone();
        }
        else
        {
            var options = new LinearMixedModelOptions
            {
                Criterion = LmmCriterion.MaximumLikelihood,
                StartTheta = Fit.Theta,
                CancellationToken = cancellationToken,
            };
            theta = LinearMixedModel.Optimize(deviance, options).Final;
        }
        double d = deviance.Evaluate(theta);
        double sigma = Math.Sqrt(deviance.PenalizedResidualSumOfSquares / Gram.Observations);
        return (theta, sigma, d);
    }
}
