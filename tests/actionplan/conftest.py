"""The action plan tests meet the one test world of tests/conftest.py (alice, bob, charlie,
sara and the `world` plan they work on)."""
