namespace Multilevel.Models.Internals;

/// <summary>
/// The products of a sparse update L_ij −= L_ik L_jkᵀ whose result stays inside L_ij's pattern (nested factors):
/// for product x, the stored entry <c>Target[x]</c> of L_ij loses entry <c>Left[x]</c> of L_ik times entry
/// <c>Right[x]</c> of L_jk (transposed). Computed once from the patterns.
/// </summary>
internal sealed record SparseProductPlan(int[] Target, int[] Left, int[] Right);
