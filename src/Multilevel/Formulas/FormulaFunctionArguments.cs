namespace Multilevel.Formulas;

/// <summary>Matches a call's arguments to the function's parameters as R does for exact names: named
/// arguments first, then positional ones fill the remaining parameters in order.</summary>
public static class FormulaFunctionArguments
{
    /// <summary>The argument bound to each parameter of <paramref name="call"/>'s function (parameters not
    /// given are absent). Throws <see cref="FormulaException"/> when they do not fit.</summary>
    /// <param name="call">The call.</param>
    /// <param name="formula">The formula text, for error messages.</param>
    public static IReadOnlyDictionary<string, FormulaNode> Bind(CallNode call, string formula)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(formula);
        var function = FormulaFunctions.Find(call.Function)
            ?? throw new FormulaException(formula, call.NameSpan, $"unknown function '{call.Function}'");
        var bound = new Dictionary<string, FormulaNode>(StringComparer.Ordinal);
        foreach (var a in call.Arguments)
        {
            if (a.Name is null) continue;
            if (!function.Parameters.Contains(a.Name))
            {
                throw new FormulaException(formula, a.Value.Span, $"{function.Name}() has no argument '{a.Name}'; usage: {function.Usage}");
            }
            if (!bound.TryAdd(a.Name, a.Value))
            {
                throw new FormulaException(formula, a.Value.Span, $"argument '{a.Name}' of {function.Name}() is given twice");
            }
        }
        int next = 0;
        foreach (var a in call.Arguments)
        {
            if (a.Name is not null) continue;
            while (next < function.Parameters.Count && bound.ContainsKey(function.Parameters[next])) next++;
            if (next >= function.Parameters.Count)
            {
                throw new FormulaException(formula, a.Value.Span, $"too many arguments for {function.Name}(); usage: {function.Usage}");
            }
            bound[function.Parameters[next]] = a.Value;
            next++;
        }
        if (!bound.ContainsKey(function.Parameters[0]))
        {
            throw new FormulaException(formula, call.Span, $"{function.Name}() needs its argument '{function.Parameters[0]}'; usage: {function.Usage}");
        }
        return bound;
    }
}
