# Times lme4 (lmer) on the data of the LMM benchmarks (bench/Multilevel.Bench `lmm` suite), on this machine:
#   Rscript bench/lme4/lmer_bench.R [insteval|sim1m|small|all] [DATA_DIR] [SIM_CSV]
# DATA_DIR holds insteval.csv, sleepstudy.csv, hsb.csv (default ../shared/data); SIM_CSV is the simulated
# 1,000,000-row data written by `dotnet run -c Release --project bench/Multilevel.Bench -- lmm sim1m --export DIR`
# (default bench/results/tmp/sim1m.csv). For peak memory, run one case under /usr/bin/time -v (see run_lmm.sh).
suppressMessages(library(lme4))
args <- commandArgs(trailingOnly = TRUE)
which <- if (length(args) >= 1) args[1] else "all"
dir <- if (length(args) >= 2) args[2] else "../shared/data"
sim <- if (length(args) >= 3) args[3] else "bench/results/tmp/sim1m.csv"
cat(sprintf("# lme4 %s, R %s\n", packageVersion("lme4"), getRversion()))

report <- function(name, t, fit, extra = "") {
  cat(sprintf("%s: %.3f s elapsed (%.3f s user+system), %s %.6f, evaluations %d%s\n", name, t[["elapsed"]],
              t[["user.self"]] + t[["sys.self"]], if (isREML(fit)) "REMLcrit" else "deviance",
              if (isREML(fit)) getME(fit, "devcomp")$cmp[["REML"]] else deviance(fit), fit@optinfo$feval, extra))
}

if (which %in% c("insteval", "all")) {
  ie <- read.csv(file.path(dir, "insteval.csv"))
  for (v in c("s", "d", "dept", "service")) ie[[v]] <- factor(ie[[v]])
  t <- system.time(fit <- lmer(y ~ 1 + service + (1|s) + (1|d) + (1|dept), ie))
  report("insteval REML", t, fit)
}
if (which %in% c("sim1m", "all")) {
  d <- read.csv(sim)
  d$g <- factor(d$g)
  t <- system.time(fit <- lmer(y ~ x + (1 + x|g), d, REML = FALSE))
  report("sim1m ML", t, fit, sprintf(", beta %s", paste(format(fixef(fit), digits = 6), collapse = " ")))
}
if (which %in% c("small", "all")) {
  ss <- read.csv(file.path(dir, "sleepstudy.csv")); ss$Subject <- factor(ss$Subject)
  hsb <- read.csv(file.path(dir, "hsb.csv")); hsb$schoolid <- factor(hsb$schoolid)
  for (case in list(list("sleepstudy", function() lmer(Reaction ~ Days + (Days|Subject), ss)),
                    list("hsb", function() lmer(mathach ~ ses + (1|schoolid), hsb)))) {
    for (i in 1:5) case[[2]]()
    n <- 50
    t <- system.time(for (i in 1:n) case[[2]]())
    cat(sprintf("%s REML per fit after warm-up: %.0f µs (mean of %d fits)\n", case[[1]], 1e6 * t[["elapsed"]] / n, n))
  }
}
