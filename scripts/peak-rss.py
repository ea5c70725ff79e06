#!/usr/bin/env python3
"""Runs a command and prints the peak resident memory of it and all its descendants
together (ps sampled every 100 ms), for what a pod must hold:
    scripts/peak-rss.py hoso worker --drain --concurrency 2
"""
import subprocess, sys, time, os
def tree_rss(pid):
    out = subprocess.run(["ps","-e","-o","pid=,ppid=,rss="],capture_output=True,text=True).stdout
    kids={}; rss={}
    for line in out.split("\n"):
        p=line.split()
        if len(p)!=3: continue
        a,b,c=map(int,p); kids.setdefault(b,[]).append(a); rss[a]=c
    tot=0; stack=[pid]
    while stack:
        x=stack.pop(); tot+=rss.get(x,0); stack+=kids.get(x,[])
    return tot
proc=subprocess.Popen(sys.argv[1:])
peak=0
while proc.poll() is None:
    peak=max(peak,tree_rss(proc.pid)); time.sleep(0.1)
print(f"peak tree rss: {peak/1024:.0f} MiB, exit {proc.returncode}", file=sys.stderr)
