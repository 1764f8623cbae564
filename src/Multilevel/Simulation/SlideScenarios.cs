namespace Multilevel.Simulation;

/// <summary>A named simulation scenario: the design and what it illustrates.</summary>
/// <param name="Name">The name <c>mlm simulate</c> takes.</param>
/// <param name="Design">The design.</param>
/// <param name="Description">What it is and what to fit.</param>
public sealed record SimulationScenario(string Name, TwoLevelDesign Design, string Description);

/// <summary>
/// The simulated examples of the lecture slides on fixed, random and mixed effects (seeds/004, SEED-NOTES.md), as
/// <see cref="TwoLevelDesign"/>s. Where the slides leave a number open, the choice is stated here.
/// </summary>
public static class SlideScenarios
{
    /// <summary>
    /// 100 students × 5 exams: score = 0.75 hours + α_i + ε, α ~ N(0, 0.7²), ε ~ N(0, 0.2²); hours ~ U(−0.7, 0.7),
    /// independent of aptitude (the slides do not give hours' distribution here; this is the one of their next
    /// example without the aptitude term). The student level holds 0.7²/(0.7² + 0.2²) = 92.5 % of the error variance
    /// (the slides' "96 %" is the square root of that share).
    /// </summary>
    public static SimulationScenario Exams { get; } = new("exams", new TwoLevelDesign
    {
        Groups = 100, GroupSize = 5, GroupColumn = "student", UnitColumn = "exam", CovariateColumn = "hours", ResponseColumn = "score",
        Intercept = 0, Slope = 0.75, InterceptSd = 0.7, ResidualSd = 0.2,
        CovariateNoise = CovariateNoise.Uniform, CovariateNoiseScale = 0.7,
    }, "students' exam scores with random aptitude: fit score ~ hours + (1|student)");

    /// <summary>
    /// As <see cref="Exams"/>, but hours = 0.5 α_i + U(−0.7, 0.7): aptitude drives study effort, so the pooled OLS slope
    /// is about 0.75 + 0.245/0.286 ≈ 1.6, the random-effects estimate is biased too, and the fixed-effects (within)
    /// estimate is not.
    /// </summary>
    public static SimulationScenario ExamsCorrelated { get; } = new("exams-correlated", Exams.Design with { CovariateOnIntercept = 0.5 },
        "aptitude correlated with hours studied: compare score ~ hours (OLS, ≈ 1.6), score ~ hours + (1|student) (biased) and score ~ hours | student (within, ≈ 0.75)");

    /// <summary>
    /// 15 states × 15 counties: rvs = 50 + 2 income + α_state + ε, α ~ N(0, 10²) (the state's conservative culture),
    /// ε ~ N(0, 2²); a state's income level is −0.3 α + N(0, 1) around 5 ($10k): richer states are less conservative.
    /// The within-state slope is +2 while the pooled slope is 2 − 0.3·100/(0.09·100 + 1) = −1 (the slides' numbers are
    /// not given; these reproduce the sign reversal).
    /// </summary>
    public static SimulationScenario Counties { get; } = new("counties", new TwoLevelDesign
    {
        Groups = 15, GroupSize = 15, GroupColumn = "state", UnitColumn = "county", CovariateColumn = "income", ResponseColumn = "rvs",
        Intercept = 50, Slope = 2, InterceptSd = 10, ResidualSd = 2,
        CovariateMean = 5, CovariateOnIntercept = -0.3, CovariateNoiseScale = 1,
    }, "county Republican vote share in states: rvs ~ income (pooled slope < 0) against rvs ~ income | state or factor(state) (within slope > 0)");

    /// <summary>
    /// Voters in 50 states × 60 (logistic): income ~ N(v_state, 1), v ~ N(0, 1); avg_income = the state's mean income
    /// in the data (as the slides compute it); logit P(vote) = −0.3 + 0.5 income + 0.8 avg_income − 0.4 avg_income·income
    /// + a_state + b_state income, a ~ N(0, 0.6²), b ~ N(0, 0.3²) independent — varying intercepts and income slopes
    /// with the state's mean income as a level-2 predictor (the values of fixtures' voters.csv, drawn with our generator).
    /// </summary>
    public static SimulationScenario Voters { get; } = new("voters", new TwoLevelDesign
    {
        Groups = 50, GroupSize = 60, GroupColumn = "state", UnitColumn = "voter", CovariateColumn = "income", ResponseColumn = "vote",
        GroupPredictorColumn = "avg_income", GroupPredictor = GroupPredictor.GroupMeanOfX,
        Intercept = -0.3, Slope = 0.5, GroupPredictorEffect = 0.8, CrossLevelInteraction = -0.4,
        InterceptSd = 0.6, SlopeSd = 0.3, Family = SimulatedFamily.Binomial,
        CovariateGroupSd = 1, CovariateNoiseScale = 1,
    }, "voters in states (logistic): fit vote ~ income * avg_income + (1 + income|state) with --family binomial");

    /// <summary>Every named scenario.</summary>
    public static IReadOnlyList<SimulationScenario> All { get; } = [Exams, ExamsCorrelated, Counties, Voters];

    /// <summary>The scenario of a name, or null.</summary>
    public static SimulationScenario? Find(string name) => All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
