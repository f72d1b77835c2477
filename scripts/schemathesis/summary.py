"""Prints one line from schemathesis' JSON and NDJSON reports: operations, cases, checks, failures."""
import json
import sys

report = json.load(open(sys.argv[1]))
operations = (report.get("operations") or {}).get("tested", 0)
cases = report["test_cases"]["generated"]
failures = report["test_cases"]["unique_failures"]
errors = len(report.get("errors") or [])
checks = 0
for line in open(sys.argv[2]):
    finished = json.loads(line).get("ScenarioFinished")
    if finished:
        checks += sum(len(results) for results in finished["recorder"].get("checks", {}).values())
print(f"schemathesis: operations {operations}, cases {cases}, checks {checks}, failures {failures}, errors {errors}")
sys.exit(1 if failures or errors or not operations else 0)
