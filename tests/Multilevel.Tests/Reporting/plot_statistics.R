# Reference values for tests/Multilevel.Tests/Reporting: tick selection (labeling::extended), quantiles (type 7),
# box-plot whiskers, bw.nrd0, exact Gaussian kernel densities, ppoints, qqnorm and qqline.
# jsonlite writes 15 significant digits, so the tests compare at no tighter than 1e-14 relative.
# Run from tests/Multilevel.Tests:  Rscript Reporting/plot_statistics.R > fixtures/reference/plot_statistics.json
suppressPackageStartupMessages({ library(labeling); library(jsonlite) })
hsb <- read.csv("fixtures/data/hsb.csv")
small <- c(3.1, -2.4, 0.5, 7.75, 1.2, 1.2, -0.3, 4.4, 2.9, 10.6, -5.05, 28.0)
sets <- list(small = small, mathach = hsb$mathach, ses = hsb$ses)

tick_cases <- list(
  c(-3.9, 2.8, 5), c(0, 100, 5), c(0.001, 0.0093, 5), c(-2.832, 24.993, 6), c(-3.758, 2.692, 8),
  c(12.1, 12.9, 4), c(1, 1e6, 5), c(-0.37, 0.052, 5), c(100, 2000, 7), c(-1, 1, 3), c(5.5, 97.3, 10),
  c(0.2, 0.21, 5), c(-123456, -2345, 6), c(0, 7185, 4), c(13.6, 67.1, 5))
ticks <- lapply(tick_cases, function(cs) list(min = cs[1], max = cs[2], m = cs[3], ticks = extended(cs[1], cs[2], cs[3])))

stats <- lapply(sets, function(x) {
  q <- quantile(x, c(0, .1, .25, .5, .75, .9, 1), type = 7, names = FALSE)
  iqr <- q[5] - q[3]
  h <- bw.nrd0(x)
  n <- 256; from <- min(x) - 3 * h; to <- max(x) + 3 * h
  grid <- seq(from, to, length.out = n)
  idx <- c(1, 17, 64, 100, 128, 129, 200, 256)
  dens <- sapply(grid[idx], function(g) mean(dnorm(g, x, h)))
  qy <- quantile(x, c(.25, .75), names = FALSE); qx <- qnorm(c(.25, .75))
  slope <- diff(qy) / diff(qx)
  list(n = length(x), probs = c(0, .1, .25, .5, .75, .9, 1), quantiles = q,
       lower_whisker = min(x[x >= q[3] - 1.5 * iqr]), upper_whisker = max(x[x <= q[5] + 1.5 * iqr]),
       n_outliers = sum(x < q[3] - 1.5 * iqr | x > q[5] + 1.5 * iqr),
       bw_nrd0 = h, density_index = idx - 1, density_x = grid[idx], density = dens,
       qq_theoretical_first = head(qqnorm(x, plot.it = FALSE)$x[order(x)], 3),
       qqline_intercept = qy[1] - slope * qx[1], qqline_slope = slope)
})

out <- list(
  generated_by = "tests/Multilevel.Tests/Reporting/plot_statistics.R",
  r_version = R.version.string,
  labeling_version = as.character(packageVersion("labeling")),
  ticks = ticks,
  ppoints = list(n5 = ppoints(5), n10 = ppoints(10), n11 = ppoints(11), n20 = ppoints(20)),
  stats = stats)
cat(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "\n")
