"""The reference of the benchmark: a bare Flask route, served by the same gunicorn configuration as the app.

Each page's throughput is reported as a share of this one's: the ceiling of Flask + gunicorn on the machine.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello():
    return "hello"
