# Times glmmTMB (TMB's Laplace approximation with automatic differentiation) on two benchmark models, for the
# peer comparison in BENCHMARKS.md:
#   Rscript bench/peers/glmmtmb_bench.R verbagg VERBAGG_CSV     (the simulated VerbAgg-sized GLMM of the glmm suite)
#   Rscript bench/peers/glmmtmb_bench.R insteval DATA_DIR       (InstEval, REML)
suppressMessages(library(glmmTMB))
args <- commandArgs(trailingOnly = TRUE)
which <- args[1]
cat(sprintf("# glmmTMB %s, R %s\n", packageVersion("glmmTMB"), getRversion()))
if (which == "verbagg") {
  d <- read.csv(args[2])
  d$id <- factor(d$id); d$item <- factor(d$item); d$Gender <- factor(d$Gender, levels = c("F", "M"))
  d$btype <- factor(d$btype, levels = c("curse", "scold", "shout")); d$situ <- factor(d$situ, levels = c("other", "self"))
  t <- system.time(m <- glmmTMB(r2 ~ (Anger + Gender + btype + situ)^2 + (1|id) + (1|item), d, family = binomial))
  cat(sprintf("glmmTMB verbagg (Laplace): %.2f s elapsed (user %.2f s), -2 logLik %.6f\n",
              t[["elapsed"]], t[["user.self"]], -2 * as.numeric(logLik(m))))
} else if (which == "insteval") {
  ie <- read.csv(file.path(args[2], "insteval.csv"))
  for (v in c("s", "d", "dept", "service")) ie[[v]] <- factor(ie[[v]])
  t <- system.time(m <- glmmTMB(y ~ 1 + service + (1|s) + (1|d) + (1|dept), ie, REML = TRUE))
  cat(sprintf("glmmTMB insteval REML: %.2f s elapsed (user %.2f s), REML criterion %.6f\n",
              t[["elapsed"]], t[["user.self"]], -2 * as.numeric(logLik(m))))
}
