"""Runs batches of AWS CLI commands in one Python process.

Each line of stdin is a JSON list of argument lists (what follows `aws`);
for each batch one line of JSON goes to stdout: a list of
{"rc", "stdout", "stderr"}, in order. The commands of a batch run one after
another, as the shell would run them. One process for the whole suite keeps
its cost to one start of the AWS CLI instead of one per command.
"""
import contextlib
import io
import json
import sys

from awscli.clidriver import create_clidriver

out = sys.stdout
# One driver for every command: a new one costs half a second (it loads
# the service models again). Every command passes its own --endpoint-url and
# --output, so nothing of one command carries over to the next.
driver = create_clidriver()
for line in sys.stdin:
    results = []
    for argv in json.loads(line):
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                rc = driver.main(argv)
            except SystemExit as e:  # argument errors exit
                rc = e.code if isinstance(e.code, int) else 255
        results.append({"rc": rc, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()})
    out.write(json.dumps(results) + "\n")
    out.flush()
