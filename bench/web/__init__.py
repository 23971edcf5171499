"""The web benchmark's parts (bench/bench_web.py is the entry point).

server.py  start and stop gunicorn (ours or the baseline); worker pids, CPU time, /proc
client.py  the raw HTTP/1.1 connection and the browser-like multipart body
load.py    concurrent small submissions, and the zero-loss verification
upload.py  one streamed big upload, and its verification
report.py  targets, checks and the text report
"""
