using FsCheck;
using FsCheck.Fluent;
using Multilevel.Formulas;
using Xunit;

namespace Multilevel.Tests.Formulas;

/// <summary>Property: printing a formula tree and parsing the text gives the same tree (and the same text).</summary>
public class RoundTripProperties
{
    private static readonly string[] Names = ["x", "y", "ses", "sector", "g", "Days", "a.b", "x_1", "my var", ".hidden", "TRUE", "périod", "2nd"];
    private static readonly double[] Numbers = [0, 1, 2, 3, 0.5, 0.25, 10, 100000, 123456, 1e-4, 0.001, 2.75, 1e15];
    private static readonly BinaryOperator[] Operators = Enum.GetValues<BinaryOperator>();

    private static Gen<FormulaNode> Leaf() => Gen.OneOf(
        Gen.Elements(Names).Select(n => (FormulaNode)new VariableNode(n)),
        Gen.Elements(Numbers).Select(v => (FormulaNode)new NumberNode(v)),
        Gen.Elements("Catholic", "a \"quoted\" \\ level").Select(s => (FormulaNode)new StringNode(s)));

    private static Gen<FormulaNode> Node(int size)
    {
        if (size <= 1) return Leaf();
        var sub = Gen.Sized(_ => Node(size / 2));
        var unary = Gen.Zip(Gen.Elements(UnaryOperator.Minus, UnaryOperator.Plus), sub, (op, x) => (FormulaNode)new UnaryNode(op, x));
        var binary = Gen.Zip(Gen.Elements(Operators), Gen.Zip(sub, sub),
            (op, lr) => (FormulaNode)new BinaryNode(op, lr.Item1, lr.Item2));
        var random = Gen.Zip(Gen.Zip(sub, sub), Gen.Elements(true, false),
            (eg, unc) => (FormulaNode)new RandomTermNode(eg.Item1, eg.Item2, unc));
        return Gen.Frequency(
            (2, Leaf()),
            (2, unary),
            (6, binary),
            (3, Call(sub)),
            (1, random));
    }

    private static Gen<FormulaNode> Call(Gen<FormulaNode> sub)
    {
        var one = Gen.Zip(Gen.Elements("I", "log", "exp", "sqrt", "abs", "log10", "scale", "factor", "as.factor", "offset"), sub,
            (f, x) => (FormulaNode)new CallNode(f, [new CallArgument(null, x)]));
        var two = Gen.Zip(Gen.Elements("gmean", "demean", "cbind", "C"), Gen.Zip(sub, sub),
            (f, xy) => (FormulaNode)new CallNode(f, [new CallArgument(null, xy.Item1), new CallArgument(null, xy.Item2)]));
        var named = Gen.Zip(Gen.Elements(("log", "base"), ("C", "base"), ("scale", "center"), ("scale", "scale")), Gen.Zip(sub, sub),
            (fn, xy) => (FormulaNode)new CallNode(fn.Item1, [new CallArgument(null, xy.Item1), new CallArgument(fn.Item2, xy.Item2)]));
        return Gen.OneOf(one, two, named);
    }

    private static Gen<Formula> Formulas() => Gen.Sized(size =>
    {
        var node = Node(Math.Max(2, size));
        var response = Gen.Frequency((4, node.Select(n => (FormulaNode?)n)), (1, Gen.Constant((FormulaNode?)null)));
        var absorbed = Gen.Frequency((1, node.Select(n => (FormulaNode?)n)), (4, Gen.Constant((FormulaNode?)null)));
        return Gen.Zip(response, Gen.Zip(node, absorbed), (r, ta) => new Formula(r, ta.Item1, ta.Item2));
    });

    [Fact]
    public void PrintThenParseGivesTheSameTree()
    {
        var property = Prop.ForAll(Formulas().ToArbitrary(), f =>
        {
            string text = f.ToString();
            var parsed = Formula.Parse(text);
            return (parsed.SameAs(f) && parsed.ToString() == text).Label(text);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000).WithEndSize(40), property);
    }

    [Fact]
    public void SameAsIgnoresSpacingAndRedundantParentheses()
    {
        var a = Formula.Parse("y~(a+b)*c+((x))+(1|g)");
        var b = Formula.Parse("y ~ (a + b) * c + x + (1 | g)");
        Assert.True(a.SameAs(b));
        Assert.False(a.SameAs(Formula.Parse("y ~ a + b * c + x + (1 | g)")));
    }
}
