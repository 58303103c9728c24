"""`manage.py bench` (actionplan/management/commands/bench.py): what it measures with
(`harness`: timing pages, wrk, the machine) and the plain reference page (`urls`)."""
