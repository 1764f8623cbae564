"""Times statsmodels' MixedLM on the tutorial's model (hsb, mathach ~ ses + (1|schoolid), REML), for BENCHMARKS.md.

    python3 bench/peers/statsmodels_hsb.py DATA_DIR
"""
import sys
import time

import pandas as pd
import statsmodels
import statsmodels.formula.api as smf

data = pd.read_csv(f"{sys.argv[1]}/hsb.csv")
print(f"# statsmodels {statsmodels.__version__}")
start = time.perf_counter()
cpu = time.process_time()
fit = smf.mixedlm("mathach ~ ses", data, groups=data["schoolid"]).fit()
print(f"statsmodels hsb REML: {time.perf_counter() - start:.3f} s elapsed ({time.process_time() - cpu:.3f} s CPU), "
      f"log-likelihood {fit.llf:.4f}, ses {fit.params['ses']:.6f}")
