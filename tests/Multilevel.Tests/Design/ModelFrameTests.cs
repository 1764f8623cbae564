using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Formulas;
using Xunit;

namespace Multilevel.Tests.Design;

public class ModelFrameTests
{
    private static readonly Lazy<Frame> Hsb = new(() => FixtureData.Load("hsb.csv"));

    [Fact]
    public void MissingRowsAreDroppedAndCounted()
    {
        // R (hsb_missing_reml.json): 250 of 7185 rows have an NA in mathach, ses or sector; nobs 6935
        var frame = FixtureData.Load("hsb_missing.csv");
        var design = DesignBuilder.Build("mathach ~ ses * sector + (1 | schoolid)", frame);
        Assert.Equal(7185, design.RowsInData);
        Assert.Equal(250, design.RowsDropped);
        Assert.Equal(6935, design.Observations);
        Assert.StartsWith("250 of 7185 rows dropped for missing values (", design.Messages[0], StringComparison.Ordinal);
        // every used row is complete, every dropped row misses one of the three
        string[] used = ["mathach", "ses", "sector"];
        var usedRows = new HashSet<int>(design.RowIndex);
        for (int i = 0; i < frame.RowCount; i++)
        {
            bool complete = used.All(c => !frame[c].IsMissing(i));
            Assert.Equal(complete, usedRows.Contains(i));
        }
        // the response and X hold the used rows in order
        var mathach = ((NumericColumn)frame["mathach"]).Values;
        for (int i = 0; i < design.Observations; i++) Assert.Equal(mathach[design.RowIndex[i]], design.Response.Values[i]);
        Assert.Equal(6935, design.X.Rows);
        Assert.Equal(6935, design.RandomEffects[0].Rows);
    }

    [Fact]
    public void ColumnsNotInTheFormulaDoNotDropRows()
    {
        var frame = FixtureData.Load("hsb_missing.csv");
        var design = DesignBuilder.Build("female ~ minority", frame);
        Assert.Equal(0, design.RowsDropped);
        Assert.Empty(design.Messages);
    }

    [Fact]
    public void GroupMeansMatchTheDataSchoolMeans()
    {
        // hsb's meanses is the school mean of ses and cses = ses − meanses (differences below 1e-14 in the file)
        var frame = Hsb.Value;
        var mf = ModelFrame.Create("mathach ~ gmean(ses, schoolid) + demean(ses, schoolid)", frame);
        var gmean = ((NumericVariable)mf.Variable("gmean(ses, schoolid)")).Values;
        var demean = ((NumericVariable)mf.Variable("demean(ses, schoolid)")).Values;
        var meanses = ((NumericColumn)frame["meanses"]).Values;
        var cses = ((NumericColumn)frame["cses"]).Values;
        for (int i = 0; i < frame.RowCount; i++)
        {
            Assert.Equal(meanses[i], gmean[i], 1e-12);
            Assert.Equal(cses[i], demean[i], 1e-12);
        }
    }

    [Fact]
    public void GroupMeansUseTheRowsOfTheModel()
    {
        // with missing values, demean() is centred within each school over the rows the model uses
        var frame = FixtureData.Load("hsb_missing.csv");
        var design = DesignBuilder.Build("mathach ~ demean(ses, schoolid) + (1 | schoolid)", frame);
        int col = design.X.ColumnNames.ToList().IndexOf("demean(ses, schoolid)");
        var sums = new Dictionary<int, double>();
        var codes = design.RandomEffects[0].Codes;
        for (int i = 0; i < design.Observations; i++)
        {
            sums[codes[i]] = sums.GetValueOrDefault(codes[i]) + design.X[i, col];
        }
        Assert.All(sums.Values, s => Assert.Equal(0, s, 1e-10));
    }

    [Fact]
    public void BinomialCountsResponse()
    {
        // R's glm: cbind(s, f) is the proportion s/(s + f) with prior weights s + f
        var frame = FixtureData.Load("cbpp.csv");
        var design = DesignBuilder.Build("cbind(incidence, size - incidence) ~ period + (1 | herd)", frame);
        var incidence = ((NumericColumn)frame["incidence"]).Values;
        var size = ((NumericColumn)frame["size"]).Values;
        Assert.Equal("cbind(incidence, size - incidence)", design.Response.Name);
        for (int i = 0; i < frame.RowCount; i++)
        {
            Assert.Equal(size[i], design.Response.Trials![i]);
            Assert.Equal(incidence[i] / size[i], design.Response.Values[i], 1e-15);
        }
        var ex = Assert.Throws<FormulaEvaluationException>(() =>
            DesignBuilder.Build("cbind(incidence, size - incidence) ~ period", frame, new DesignOptions { Response = ResponseKind.Numeric }));
        Assert.Contains("binomial", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoLevelFactorResponseIsZeroOne()
    {
        var frame = ModelMatrixTests.SmallFrame();
        var design = DesignBuilder.Build("b ~ x", frame, new DesignOptions { Response = ResponseKind.Binomial });
        Assert.Equal(["u", "v"], design.Response.Levels!);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i < 6 ? 0.0 : 1.0), design.Response.Values);
        var ex = Assert.Throws<FormulaEvaluationException>(() => DesignBuilder.Build("b ~ x", frame, new DesignOptions { Response = ResponseKind.Numeric }));
        Assert.Equal(0, ex.Span.Start);
        Assert.Contains("categorical", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void OffsetsAndWeights()
    {
        var frame = FixtureData.Load("cbpp.csv");
        var design = DesignBuilder.Build("incidence ~ period + offset(log(size))", frame, new DesignOptions { Weights = "size" });
        var size = ((NumericColumn)frame["size"]).Values;
        for (int i = 0; i < frame.RowCount; i++)
        {
            Assert.Equal(Math.Log(size[i]), design.Offset![i]);
            Assert.Equal(size[i], design.Weights![i]);
        }
        Assert.Equal(["(Intercept)", "period2", "period3", "period4"], design.X.ColumnNames);
        Assert.Throws<UnknownColumnException>(() => DesignBuilder.Build("incidence ~ period", frame, new DesignOptions { Weights = "sise" }));
    }

    [Fact]
    public void RandomEffectsTermValuesAndCodes()
    {
        var frame = FixtureData.Load("sleepstudy.csv");
        var design = DesignBuilder.Build("Reaction ~ Days + (Days | Subject)", frame);
        var term = Assert.Single(design.RandomEffects);
        Assert.Equal(["(Intercept)", "Days"], term.ColumnNames);
        Assert.Equal(2, term.Q);
        var days = ((NumericColumn)frame["Days"]).Values;
        var subject = (CategoricalColumn)frame["Subject"];
        for (int i = 0; i < frame.RowCount; i++)
        {
            Assert.Equal(1, term.Z[i * 2]);
            Assert.Equal(days[i], term.Z[i * 2 + 1]);
            Assert.Equal(subject.Levels[subject.Codes[i]], term.Levels[term.Codes[i]]);
        }
    }

    [Fact]
    public void UncorrelatedTermsShareTheGroup()
    {
        var frame = FixtureData.Load("sleepstudy.csv");
        var design = DesignBuilder.Build("Reaction ~ Days + (Days || Subject)", frame);
        Assert.Equal(2, design.RandomEffects.Count);
        Assert.Equal(["(Intercept)"], design.RandomEffects[0].ColumnNames);
        Assert.Equal(["Days"], design.RandomEffects[1].ColumnNames);
        Assert.All(design.RandomEffects, t => Assert.Equal("Subject", t.GroupName));
    }

    [Fact]
    public void NestedGroupingLevelsAreCombinations()
    {
        // lme4: (1|batch/cask) gives cask:batch (30 levels a:A, a:B, …, inner factor first) then batch (10)
        var frame = FixtureData.Load("pastes.csv");
        var design = DesignBuilder.Build("strength ~ 1 + (1 | batch/cask)", frame);
        Assert.Equal(["cask:batch", "batch"], design.RandomEffects.Select(t => t.GroupName));
        var nested = design.RandomEffects[0];
        Assert.Equal(30, nested.LevelCount);
        Assert.Equal(["a:A", "a:B", "a:C"], nested.Levels.Take(3));
        Assert.Equal("c:J", nested.Levels[^1]);
        var cask = (CategoricalColumn)frame["cask"];
        var batch = (CategoricalColumn)frame["batch"];
        for (int i = 0; i < frame.RowCount; i++)
        {
            Assert.Equal($"{cask.Levels[cask.Codes[i]]}:{batch.Levels[batch.Codes[i]]}", nested.Levels[nested.Codes[i]]);
        }
    }

    [Fact]
    public void FactorsInRandomTerms()
    {
        var frame = FixtureData.Load("pastes.csv");
        // (0 + f | g): every level of f gets a column; (f | g): intercept and contrasts
        var full = DesignBuilder.Build("strength ~ 1 + (0 + cask | batch)", frame).RandomEffects.Single();
        Assert.Equal(["caska", "caskb", "caskc"], full.ColumnNames);
        var contrasts = DesignBuilder.Build("strength ~ 1 + (cask | batch)", frame).RandomEffects.Single();
        Assert.Equal(["(Intercept)", "caskb", "caskc"], contrasts.ColumnNames);
    }

    [Fact]
    public void RandomTermsOrderedByLevelsStable()
    {
        // lme4 orders grouseticks' terms INDEX (403), BROOD (118), LOCATION (63) whatever the order written
        var frame = FixtureData.Load("grouseticks.csv");
        var design = DesignBuilder.Build("TICKS ~ YEAR + cHEIGHT + (1|LOCATION) + (1|BROOD) + (1|INDEX)", frame);
        Assert.Equal(["INDEX", "BROOD", "LOCATION"], design.RandomEffects.Select(t => t.GroupName));
        // equal level counts keep the written order
        var tied = DesignBuilder.Build("TICKS ~ 1 + (1|BROOD) + (0 + cHEIGHT|BROOD) + (1|INDEX)", frame);
        Assert.Equal(["INDEX", "BROOD", "BROOD"], tied.RandomEffects.Select(t => t.GroupName));
        Assert.Equal(["cHEIGHT"], tied.RandomEffects[2].ColumnNames);
    }

    [Fact]
    public void NumericGroupingLevelsSortNumerically()
    {
        // hsb's schoolid is numeric: lme4's factor() sorts the values (1224, 1288, …, 9586)
        var design = DesignBuilder.Build("mathach ~ 1 + (1 | schoolid)", Hsb.Value);
        var levels = design.RandomEffects[0].Levels;
        Assert.Equal(160, levels.Count);
        var numbers = levels.Select(double.Parse).ToArray();
        Assert.Equal(numbers.Order(), numbers);
    }

    [Fact]
    public void AbsorbedFactorsDropTheIntercept()
    {
        // fixest: y ~ x | g has no intercept; the factor's levels present in the rows used
        var design = DesignBuilder.Build("mathach ~ ses | schoolid", Hsb.Value);
        Assert.Equal(["ses"], design.X.ColumnNames);
        var absorbed = Assert.Single(design.Absorbed);
        Assert.Equal("schoolid", absorbed.Name);
        Assert.Equal(160, absorbed.Levels.Count);
        Assert.Equal(7185, absorbed.Codes.Length);
        var two = DesignBuilder.Build("mathach ~ ses | schoolid + sector^female", Hsb.Value);
        Assert.Equal(["schoolid", "sector^female"], two.Absorbed.Select(a => a.Name));
        Assert.Equal(4, two.Absorbed[1].Levels.Count);
    }

    [Fact]
    public void UnusedLevelsAreDroppedAndReported()
    {
        var frame = new Frame([
            new NumericColumn("y", [1, 2, 3, 4]),
            new CategoricalColumn("f", [0, 0, 2, 2], ["a", "b", "c"]),
        ]);
        var design = DesignBuilder.Build("y ~ f", frame);
        Assert.Equal(["(Intercept)", "fc"], design.X.ColumnNames);
        Assert.Contains(design.Messages, m => m.Contains("'b'", StringComparison.Ordinal));
        // kept: a zero column, aliased and dropped with a message
        var kept = DesignBuilder.Build("y ~ f", frame, new DesignOptions { DropUnusedLevels = false });
        Assert.Equal(["fb"], kept.X.AliasedColumns);
    }

    [Fact]
    public void UndefinedValuesDropRowsInfiniteValuesAreErrors()
    {
        var frame = new Frame([new NumericColumn("y", [1, 2, 3, 4, 5]), new NumericColumn("x", [-1, 1, 2, 3, 4])]);
        var design = DesignBuilder.Build("y ~ log(x)", frame);
        Assert.Equal(1, design.RowsDropped);
        Assert.Contains("log(x): 1", design.Messages[0], StringComparison.Ordinal);
        var zero = new Frame([new NumericColumn("y", [1, 2, 3]), new NumericColumn("x", [1, 0, 2])]);
        var ex = Assert.Throws<FormulaEvaluationException>(() => DesignBuilder.Build("y ~ log(x)", zero));
        Assert.Contains("-Inf in row 2", ex.Reason, StringComparison.Ordinal);
        Assert.Equal(4, ex.Span.Start);
    }
}
