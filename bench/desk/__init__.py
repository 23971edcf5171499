"""The desk benchmark's parts (bench/bench_desk.py is the entry point).

answers.py   realistic answers for the report and follow-up forms
generate.py  submission files through the real form code, Envelope and Store (one process per CPU)
measure.py   running desk commands as fresh processes: wall time, peak RSS (wait4); cProfile analysis
stages.py    run in a child: list's steps timed one by one, and the _fold diagnostics
report.py    targets, checks and the text report
"""
