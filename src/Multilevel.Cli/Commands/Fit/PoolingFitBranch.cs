using System.CommandLine;
using Multilevel.Design;

namespace Multilevel.Cli.Commands.Fit;

/// <summary>
/// <c>mlm fit</c> for models without random-effects terms: OLS/WLS, GLM (<c>--family</c>), absorbed fixed
/// effects (<c>y ~ x | g</c>), the between estimator (<c>--between G</c>) and no pooling (<c>--by G</c>), with
/// <c>--vcov iid|HC1</c> or <c>--cluster g</c> (one- or two-way). statsmodels' layout by default,
/// <c>--style lme4</c> R's summary.lm / summary.glm, or JSON (<see cref="PoolingRunner"/>).
/// </summary>
internal sealed class PoolingFitBranch : IFitBranch
{
    private readonly Option<string?> _family = new("--family") { Description = "GLM family: binomial, poisson or gaussian (with a random-effects term: a GLMM)", HelpName = "FAMILY" };
    private readonly Option<string?> _link = new("--link") { Description = "GLM link: logit, probit, cloglog, log or identity (default: the family's canonical link)", HelpName = "LINK" };
    private readonly Option<string?> _vcov = new("--vcov") { Description = "standard errors of least-squares fits: iid (default) or HC1", HelpName = "iid|HC1" };
    private readonly Option<string[]> _cluster = new("--cluster") { Description = "cluster-robust (CR1) standard errors by this column; twice for two-way clustering", HelpName = "COL", AllowMultipleArgumentsPerToken = false };
    private readonly Option<string?> _between = new("--between") { Description = "the between estimator: OLS on the means of each group of this column", HelpName = "G" };
    private readonly Option<bool> _params = new("--params") { Description = "print only the estimates, as pandas prints statsmodels' result.params (least-squares fits)" };
    private readonly Option<string?> _by = new("--by") { Description = "no pooling: the model fitted separately in every group of this column", HelpName = "G" };

    public void AddOptions(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(_family);
        command.Options.Add(_link);
        command.Options.Add(_vcov);
        command.Options.Add(_cluster);
        command.Options.Add(_between);
        command.Options.Add(_by);
        command.Options.Add(_params);
    }

    public bool Claims(FitRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Terms.RandomEffects.Count == 0;
    }

    public int Run(FitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parse = request.Parse;
        string? family = parse.GetValue(_family);
        if (request.MaximumLikelihood) throw new UsageException("--ml applies to mixed models; least-squares and GLM fits are maximum likelihood already");
        Inference.FitInferenceOptions.RejectIfRequested(parse, "fits without random effects");   // issue 6's options
        var kind = family is null ? ResponseKind.Numeric
            : family.Equals("binomial", StringComparison.OrdinalIgnoreCase) ? ResponseKind.Binomial : ResponseKind.Numeric;
        var design = DesignBuilder.Build(request.Terms, request.Data, new DesignOptions { Weights = request.Weights, Response = kind });
        var pooling = new PoolingRequest
        {
            DataName = request.DataName,
            Data = request.Data,
            Design = design,
            Family = family,
            Link = parse.GetValue(_link),
            Between = parse.GetValue(_between),
            By = parse.GetValue(_by),
            Cluster = parse.GetValue(_cluster) ?? [],
            Vcov = parse.GetValue(_vcov) ?? "iid",
            Json = request.Json,
            ParamsOnly = parse.GetValue(_params),
            Style = request.Style ?? "statsmodels",
        };
        return PoolingRunner.Run(pooling, Console.Out, Console.Error, cancellationToken);
    }
}
