# Golden values for the spike detectors (pipeline/stats/detectors/) from R's `surveillance`
# package, the public reference implementation of EARS, CUSUM and Farrington flexible.
#
#   Rscript scripts/detectors-reference.R                 # read test/golden/detectors/*.csv inputs, write *.r-*.csv
#   Rscript scripts/detectors-reference.R --write-inputs  # (re)create the seeded input series first
#
# Needs R with surveillance (Debian: apt-get install r-base-core r-cran-surveillance). The test
# (test/detectors.test.ts) reads the committed outputs and never needs R. Numbers are written with
# 17 significant digits; NA means R gave NA (or NaN).
suppressPackageStartupMessages(library(surveillance))

args <- commandArgs(trailingOnly = FALSE)
scriptPath <- sub("^--file=", "", args[grep("^--file=", args)])
dir <- file.path(dirname(normalizePath(scriptPath)), "..", "test", "golden", "detectors")

writeInputs <- function() {
  set.seed(20240601)
  # ED-like daily visits: 420 days from Monday 2024-01-01, weekly pattern (weekends lower), an
  # annual wave, Poisson noise, and a spike injected on days 330-333 (0-based).
  n <- 420
  dates <- seq(as.Date("2024-01-01"), by = "day", length.out = n)
  dow <- as.integer(format(dates, "%u")) # 1 = Monday
  dowFactor <- c(1.15, 1.05, 1.00, 1.00, 0.95, 0.80, 0.85)[dow]
  mu <- 110 * dowFactor * (1 + 0.15 * cos(2 * pi * (seq_len(n) - 20) / 365))
  y <- rpois(n, mu)
  y[331:334] <- y[331:334] + c(35, 60, 45, 20)
  write.csv(data.frame(date = format(dates), count = y), file.path(dir, "ed-daily.csv"), row.names = FALSE, quote = FALSE)

  # Sparse county daily series: mean 0.7 a day (many zeros) with a cluster on days 250-254.
  n <- 365
  dates <- seq(as.Date("2024-01-01"), by = "day", length.out = n)
  y <- rpois(n, 0.7)
  y[251:255] <- y[251:255] + c(2, 4, 5, 3, 1)
  write.csv(data.frame(date = format(dates), count = y), file.path(dir, "county-sparse.csv"), row.names = FALSE, quote = FALSE)

  # Weekly deaths, 7 years (364 weeks) from the week of 2017-01-02: winter seasonality, a slow
  # upward trend, negative-binomial noise, and an outbreak in weeks 330-335 (0-based).
  n <- 364
  weeks <- seq(as.Date("2017-01-02"), by = "week", length.out = n)
  t <- seq_len(n)
  mu <- exp(log(55) + 0.0012 * t + 0.25 * cos(2 * pi * t / 52) + 0.08 * sin(2 * pi * t / 52))
  y <- rnbinom(n, size = 40, mu = mu)
  y[331:336] <- y[331:336] + c(10, 25, 40, 30, 15, 5)
  write.csv(data.frame(week_start = format(weeks), count = y), file.path(dir, "deaths-weekly.csv"), row.names = FALSE, quote = FALSE)

  # Weekly deaths in a small county, 6.5 years (338 weeks): about 3 a week, zeros, a small
  # cluster in weeks 300-303 (the limit54 rule matters here).
  n <- 338
  weeks <- seq(as.Date("2018-01-01"), by = "week", length.out = n)
  t <- seq_len(n)
  y <- rnbinom(n, size = 5, mu = 3 * exp(0.2 * cos(2 * pi * t / 52)))
  y[301:304] <- y[301:304] + c(4, 7, 6, 3)
  write.csv(data.frame(week_start = format(weeks), count = y), file.path(dir, "deaths-weekly-small.csv"), row.names = FALSE, quote = FALSE)

  # Weekly series with a strong rising trend (the trend term is kept by farringtonFlexible).
  n <- 330
  weeks <- seq(as.Date("2019-01-07"), by = "week", length.out = n)
  t <- seq_len(n)
  y <- rpois(n, exp(log(20) + 0.004 * t + 0.2 * cos(2 * pi * t / 52)))
  write.csv(data.frame(week_start = format(weeks), count = y), file.path(dir, "deaths-weekly-trend.csv"), row.names = FALSE, quote = FALSE)
}

if ("--write-inputs" %in% commandArgs(trailingOnly = TRUE)) writeInputs()

readCounts <- function(name) read.csv(file.path(dir, paste0(name, ".csv")))$count

num <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
lgl <- function(x) ifelse(is.na(x), "NA", ifelse(x, "TRUE", "FALSE"))

# index is 0-based, as in the TypeScript detectors.
writeOut <- function(name, index, columns) {
  out <- data.frame(index = index - 1, lapply(columns, function(col) if (is.logical(col)) lgl(col) else num(col)))
  write.csv(out, file.path(dir, paste0(name, ".csv")), row.names = FALSE, quote = FALSE)
}

dailySts <- function(y) sts(observed = y, start = c(2024, 1), frequency = 365)
weeklySts <- function(y) sts(observed = y, start = c(2017, 1), frequency = 52)

# EARS C1, C2, C3 with earsC's defaults (baseline 7, minSigma 0, alpha 0.001 / 0.001 / 0.025).
for (series in c("ed-daily", "county-sparse")) {
  y <- readCounts(series)
  for (method in c("C1", "C2", "C3")) {
    res <- earsC(dailySts(y), control = list(method = method))
    first <- switch(method, C1 = 8, C2 = 10, C3 = 12)
    writeOut(paste0(series, ".r-ears-", tolower(method)), first:length(y),
      list(upperbound = as.vector(res@upperbound), alarm = as.vector(res@alarm)))
  }
}

# CUSUM (algo.cusum, k = 1.04, h = 2.26, m = mean of the first year), 'rossi' and 'standard'.
for (series in c("deaths-weekly", "deaths-weekly-small")) {
  y <- readCounts(series)
  dp <- sts2disProg(weeklySts(y))
  range <- 53:length(y)
  for (trans in c("rossi", "standard")) {
    res <- algo.cusum(dp, control = list(range = range, k = 1.04, h = 2.26, trans = trans))
    writeOut(paste0(series, ".r-cusum-", trans), range,
      list(cusum = res$cusum, upperbound = as.vector(res$upperbound), alarm = as.logical(res$alarm), m = rep(res$control$m, length(range))))
  }
}

# Farrington flexible with the default control (b = 5, w = 3, ...), and with b = 3 (which the
# TypeScript detector uses, with a note, while fewer than 5 years of history exist).
for (series in c("deaths-weekly", "deaths-weekly-small", "deaths-weekly-trend")) {
  y <- readCounts(series)
  for (b in c(5, 3)) {
    range <- (52 * b + 3 + 1):length(y) # farringtonFlexible's default range, made explicit
    res <- farringtonFlexible(weeklySts(y), control = list(b = b, range = range))
    ctl <- res@control
    writeOut(paste0(series, ".r-farrington-b", b), range,
      list(upperbound = as.vector(res@upperbound), alarm = as.vector(res@alarm), expected = as.vector(ctl$expected),
        pvalue = as.vector(ctl$pvalue), score = as.vector(ctl$score), phi = as.vector(ctl$phiVector),
        trend = as.vector(ctl$trendVector)))
  }
}

# The distributions the detectors use (stats::pt, qt, pnorm, qnorm), to check the TypeScript ones.
grid <- expand.grid(x = c(-6, -2.5, -1, -0.1, 0, 0.3, 1.5, 2.2, 3.9, 8), df = c(1, 3, 6, 10, 20, 27, 35, 100))
probs <- expand.grid(p = c(1e-6, 0.001, 0.01, 0.025, 0.05, 0.3, 0.5, 0.7, 0.95, 0.975, 0.99, 0.999), df = c(1, 3, 6, 10, 20, 27, 35, 100))
write.csv(data.frame(x = num(grid$x), df = num(grid$df), pt = num(pt(grid$x, grid$df)), upper = num(pt(grid$x, grid$df, lower.tail = FALSE))),
  file.path(dir, "r-pt.csv"), row.names = FALSE, quote = FALSE)
write.csv(data.frame(p = num(probs$p), df = num(probs$df), qt = num(qt(probs$p, probs$df))), file.path(dir, "r-qt.csv"), row.names = FALSE, quote = FALSE)
z <- c(-8, -4, -2.5, -1, -0.2, 0, 0.7, 1.645, 2.58, 3.2, 5)
p <- c(1e-10, 1e-6, 0.001, 0.025, 0.05, 0.2, 0.5, 0.9, 0.95, 0.975, 0.999, 1 - 1e-9)
write.csv(data.frame(z = num(z), pnorm = num(pnorm(z)), upper = num(pnorm(z, lower.tail = FALSE))), file.path(dir, "r-pnorm.csv"), row.names = FALSE, quote = FALSE)
write.csv(data.frame(p = num(p), qnorm = num(qnorm(p))), file.path(dir, "r-qnorm.csv"), row.names = FALSE, quote = FALSE)

writeLines(sprintf("surveillance %s, %s", packageVersion("surveillance"), R.version.string), file.path(dir, "r-version.txt"))
