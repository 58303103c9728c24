"""The meetings tests meet the one test world of tests/conftest.py: alice organises committee
A's meetings, bob committee B's, charlie has no rights and sara is the secretariat."""
