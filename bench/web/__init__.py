"""The web benchmark's parts (bench/bench_web.py is the entry point).

server.py  start and stop gunicorn (ours or the baseline); worker pids, CPU time, /proc
client.py  the raw HTTP/1.1 connection and the browser-like multipart body
load.py    concurrent clients (small submissions, each with its own session), and the zero-loss verification
cycle.py   a reporter's cycle (load the form page, then post) and page loads alone, ours and the baseline
pagecpu.py the CPU of one GET of the blank form in-process, from the page cache and rendered
upload.py  one streamed big upload, and its verification
report.py  targets, checks and the text report
"""
