# Times lme4's parametric bootstrap (bootMer, 1000 replicates, one core) on the tutorial's model, the peer figure
# for the inference suite's bootstrap:  Rscript bench/lme4/bootmer_hsb.R DATA_DIR
suppressMessages(library(lme4))
args <- commandArgs(trailingOnly = TRUE)
hsb <- read.csv(file.path(args[1], "hsb.csv")); hsb$schoolid <- factor(hsb$schoolid)
fit <- lmer(mathach ~ ses + (1|schoolid), hsb)
t <- system.time(b <- bootMer(fit, function(m) c(fixef(m), sigma(m)), nsim = 1000, seed = 1))
cat(sprintf("lme4 bootMer hsb, 1000 replicates: %.2f s elapsed (user %.2f s); ses 95%% percentile [%.3f, %.3f]\n",
            t[["elapsed"]], t[["user.self"]], quantile(b$t[, 2], 0.025), quantile(b$t[, 2], 0.975)))
