# lme4 on the simulated VerbAgg-sized data of the GLMM benchmark (issue 5). Export the data first:
#   dotnet run -c Release --project bench/Multilevel.Bench -- glmm --export /tmp/glmmbench --repeats 1
#   Rscript bench/lme4/glmer_verbagg.R /tmp/glmmbench/verbagg_sim.csv
# Times glmer with its defaults (Laplace: bobyqa stage 1, Nelder-Mead stage 2, Hessian for the SEs) and prints
# -2 logLik, theta, the fixed effects and the evaluation counts, for comparison with Multilevel.Bench glmm.
suppressMessages(library(lme4))
args <- commandArgs(trailingOnly = TRUE)
file <- if (length(args) > 0) args[1] else "/tmp/glmmbench/verbagg_sim.csv"
d <- read.csv(file)
d$id <- factor(d$id); d$item <- factor(d$item); d$Gender <- factor(d$Gender, levels = c("F", "M"))
d$btype <- factor(d$btype, levels = c("curse", "scold", "shout")); d$situ <- factor(d$situ, levels = c("other", "self"))
f <- r2 ~ (Anger + Gender + btype + situ)^2 + (1|id) + (1|item)
t <- system.time(m <- glmer(f, d, binomial))
cat(sprintf("lme4 %s glmer (Laplace): %.2f s elapsed (user %.2f s)\n", packageVersion("lme4"), t[["elapsed"]], t[["user.self"]]))
cat(sprintf("-2 logLik %.10f, theta %s\n", -2 * as.numeric(logLik(m)), paste(sprintf("%.8f", getME(m, "theta")), collapse = ", ")))
cat(sprintf("evaluations: %s; warnings: %s\n", paste(m@optinfo$feval, collapse = ", "), paste(m@optinfo$conv$lme4$messages, collapse = " | ")))
s <- summary(m)$coefficients
for (i in seq_len(nrow(s))) cat(sprintf("  %-22s %12.6f %10.6f\n", rownames(s)[i], s[i, 1], s[i, 2]))
