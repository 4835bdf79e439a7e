"""A fuzz harness for the page pipeline: mutated real pages and generated HTML through
``attribution.pipeline.check_html``, each input in a worker process under a CPU budget.

- ``mutators.py``: the mutations, small named pure functions of (bytes, Random) -> bytes;
- ``generate.py``: small article pages from a grammar of picture markup;
- ``corpus.py``: the real pages of ``../shared/realpages`` (read there, never copied) and
  the input of each (seed, index);
- ``run.py``: the workers, the budget, the summary and the command line;
- ``minimize.py``: shrinking a failing input.

The smoke runs with the tests (``tests/test_fuzz.py``). The long run is one command:

    python -m tests.fuzz --count 100000 --jobs 2 --seed 1 --json /tmp/fuzz.json

Its last lines are the result to quote: inputs, exceptions, inputs over the budget,
the worst CPU time and the worst memory. Any failure prints the command that reruns it
(``python -m tests.fuzz --reproduce SEED:INDEX``); ``--save-failures`` keeps the inputs.
"""
