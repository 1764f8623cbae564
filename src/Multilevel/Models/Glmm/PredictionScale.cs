namespace Multilevel.Models.Glmm;

/// <summary>The scale of GLMM predictions (R's <c>predict(type = …)</c>).</summary>
public enum PredictionScale
{
    /// <summary>The linear predictor η (R's <c>type = "link"</c>, the default).</summary>
    Link,

    /// <summary>The mean μ = g⁻¹(η): a probability or a rate (R's <c>type = "response"</c>).</summary>
    Response,
}
