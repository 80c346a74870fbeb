"""What pip-audit's JSON report says, in a few lines: the known vulnerabilities it found, and
how many packages it audited at all.

pip-audit counts a package the advisory service cannot look up as skipped, not as failed, and
then still prints "No known vulnerabilities found". Where PyPI's JSON API is out of reach (a
machine that sees only a package mirror), that is every package.
"""

import json
import sys

with open(sys.argv[1]) as report:
    dependencies = json.load(report)["dependencies"]
for dependency in dependencies:
    for vulnerability in dependency.get("vulns", []):
        fixed_in = ", ".join(vulnerability["fix_versions"]) or "no fixed release"
        print(
            f"VULNERABLE: {dependency['name']} {dependency['version']}: {vulnerability['id']} "
            f"(fixed in {fixed_in})"
        )
skipped = [dependency for dependency in dependencies if "skip_reason" in dependency]
print(f"pip-audit looked up {len(dependencies) - len(skipped)} of {len(dependencies)} packages.")
if skipped:
    print(
        f"NOT AUDITED: {len(skipped)}, which the advisory service could not look up "
        f"(first: {skipped[0]['skip_reason']})"
    )
