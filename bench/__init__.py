"""The benchmark (`make bench`) and the gunicorn harness it shares with the load tests."""
