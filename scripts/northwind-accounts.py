#!/usr/bin/env python3
# Usage: python3 scripts/northwind-accounts.py .   (from the repository root)
# Writes scenarios/northwind/named/key-*.csv: Northwind's key accounts as named lists. Northwind is
# fictional, so every number here is an assumption: the countries of each region, their areas
# (rounded national areas in km2), the accounts' names, countries (drawn by area, seeded), and
# potentials (the quantiles of the baseline's account_potential, lognormal sigma 0.7, so the
# ranking has the baseline's shape). An account's area_share is its country's share of its
# region's area, split equally among the region's named accounts in that country.
import math, random, statistics, sys
root = sys.argv[1]
regions = {
    'North': {'DK': 43000, 'SE': 450000, 'NO': 385000},
    'South': {'IT': 301000, 'ES': 506000, 'PT': 92000},
    'East': {'PL': 313000, 'CZ': 79000, 'AT': 84000},
    'West': {'FR': 552000, 'BE': 31000, 'NL': 42000},
}
segments = [('finance', 'Finance', 110), ('manufacturing', 'Manufacturing', 90), ('public', 'Public', 70)]
rng = random.Random(2026)
rows = {}
for slug, industry, n in segments:
    rows[slug] = []
    for i in range(n):
        # Q(1 - (i + 0.5)/n) of lognormal(median 1, sigma 0.7)
        q = math.exp(0.7 * statistics.NormalDist().inv_cdf(1 - (i + 0.5) / n))
        region = rng.choice(list(regions))
        countries = regions[region]
        country = rng.choices(list(countries), weights=list(countries.values()))[0]
        rows[slug].append([f'{industry[:3]}-{country}-{i + 1:03d}', region, country, round(q, 4)])
count = {}
for slug in rows:
    for r in rows[slug]: count[(r[1], r[2])] = count.get((r[1], r[2]), 0) + 1
for slug, industry, n in segments:
    with open(f'{root}/scenarios/northwind/named/key-{slug}.csv', 'w') as f:
        f.write('name,region,country,potential,area_share\n')
        for name, region, country, q in rows[slug]:
            total = sum(regions[region].values())
            share = regions[region][country] / total / count[(region, country)]
            f.write(f'{name},{region},{country},{q},{share:.10f}\n')
