"""The web and worker benchmark (``scripts/bench_web.py``), one module per concern.

* ``options``: the command line;
* ``common``: paths, progress messages, cleanup steps;
* ``client``: HTTP requests to the local server, signing in;
* ``load``: load generators (wrk, or threads + ``http.client``) and percentiles;
* ``processes``: gunicorn, and CPU time read from /proc;
* ``databases``: the scratch database, Redis checks and queue cleanup;
* ``fixture``: the analyst and drafts the benchmark measures;
* ``queries``: SQL queries per request, counted in-process;
* ``measure``: the read and write phases over HTTP;
* ``workers``: Celery workers and timed batches of score runs;
* ``report``: the Markdown report;
* ``web``: the entry point that runs every phase;
* ``engine``: a plain numpy SMAA-2, the reference of ``scripts/bench_engine.py``.

Worker and gunicorn processes are started with the test suite's own code
(``tests/workers.py`` and ``tests/servers.py``, which import no pytest).
"""
