"""The asyncio peer (tvc-asyncio, and tvc-uvloop: the same code on
uvloop): the tvc workloads written the way an asyncio user writes them,
one module per workload (wl_<name>.py), printing the C runtimes' record
(docs/DESIGN.md, "Adding a workload, an experiment or a peer").  The
command line and the record are driver.py's."""

import sys

import driver
import wl_cancel
import wl_echo
import wl_executor
import wl_fanout
import wl_http
import wl_idle
import wl_pingpong
import wl_pipeline
import wl_ring
import wl_spawn
import wl_spinner
import wl_timeout
import wl_timers

WORKLOADS = {"idle": wl_idle, "spawn": wl_spawn, "pingpong": wl_pingpong,
             "ring": wl_ring, "timers": wl_timers, "echo": wl_echo,
             "pipeline": wl_pipeline, "spinner": wl_spinner,
             "executor": wl_executor, "timeout": wl_timeout,
             "cancel": wl_cancel, "fanout": wl_fanout,
             "http": wl_http}

if __name__ == "__main__":
    sys.exit(driver.main(sys.argv[1:], WORKLOADS))
