#!/usr/bin/env python3
# Usage: python3 scripts/crm-accounts.py .   (from the repository root)
# Derives scenarios/crm-sales/accounts.csv from the CRM export (data/crm-sales-opportunities).
import csv, collections, sys
root = sys.argv[1]
d = root + '/data/crm-sales-opportunities/'
teams = {r['sales_agent']: r['regional_office'] for r in csv.DictReader(open(d + 'sales_teams.csv'))}
opp = collections.defaultdict(collections.Counter)
for r in csv.DictReader(open(d + 'sales_pipeline.csv')):
    if r['account'] and r['engage_date'] and '2017-03-01' <= r['engage_date'] <= '2017-12-31':
        opp[r['account']][teams[r['sales_agent']]] += 1
out = csv.writer(open(root + '/scenarios/crm-sales/accounts.csv', 'w', newline=''), lineterminator='\n')
out.writerow(['name', 'owner', 'sector', 'potential', 'revenue', 'employees', 'office_location', 'subsidiary_of'])
for a in csv.DictReader(open(d + 'accounts.csv')):
    c = opp[a['account']]
    owner, n = c.most_common(1)[0]
    out.writerow([a['account'], owner, a['sector'], sum(c.values()), a['revenue'], a['employees'], a['office_location'], a['subsidiary_of']])
